import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { InvalidCatalogueError, InvalidInputError } from '../errors.js';
import { CatalogueError, type Catalogue, type ModelEntry } from '../models/catalogue.js';
import { ModelRegistry } from '../models/model-registry.js';
import type { DownloadProgress, ModelProvider, ModelStatus } from '../models/provider.port.js';
import type { Store } from '../store/store.port.js';
import type { UsageCounts } from '../store/usage.port.js';
import { offlineChatModel } from '../../../test/helpers/catalogue.js';
import { AdminModelsService } from './admin-models.service.js';
import { AdminUsageService } from './admin-usage.service.js';

const log = Fastify({ logger: false }).log;
const local: ModelEntry = {
  id: 'tiny',
  name: 'Tiny',
  provider: 'local',
  format: 'completion',
  source: '/m/tiny.gguf',
};
const catalogueOf = (...models: ModelEntry[]): Catalogue => ({
  defaultModel: models[0]?.id ?? '',
  models,
  file: '/etc/models.yaml',
});

/** A local provider whose download reports `steps` and whose status follows a settable value. */
function localProvider(steps: DownloadProgress[]): ModelProvider & { current: ModelStatus } {
  const provider = {
    kind: 'local' as const,
    current: { status: 'not-downloaded' } as ModelStatus,
    status: () => provider.current,
    generate: () => {
      throw new Error('not used');
    },
    close: async () => undefined,
    download: async (_model: ModelEntry, onProgress?: (p: DownloadProgress) => void) => {
      for (const step of steps) {
        onProgress?.(step);
      }
      provider.current = { status: 'ready' };
      return '/data/models/tiny.gguf';
    },
    details: () => ({ url: 'https://mirror.example:8443/tiny.gguf', file: null, lastError: null }),
  };
  return provider;
}

describe('AdminModelsService', () => {
  it('pulls with each distinct progress once, and says when the file was already there', async () => {
    const provider = localProvider([
      { receivedBytes: 10, totalBytes: 100 },
      { receivedBytes: 10, totalBytes: 100 },
      { receivedBytes: 100, totalBytes: 100 },
    ]);
    const service = new AdminModelsService({
      models: new ModelRegistry(catalogueOf(local), { local: provider }),
      log,
    });
    const seen: unknown[] = [];
    expect(await service.pull('tiny', (p) => seen.push(p))).toEqual({
      modelId: 'tiny',
      file: '/data/models/tiny.gguf',
      alreadyPresent: false,
    });
    expect(seen).toEqual([
      { phase: 'downloading', receivedBytes: 10, totalBytes: 100 },
      { phase: 'downloading', receivedBytes: 100, totalBytes: 100 },
    ]);
    expect((await service.pull('tiny', () => undefined)).alreadyPresent).toBe(true);
  });

  it('refuses to pull a remote model', () => {
    const remote: ModelProvider = {
      kind: 'openai-compatible',
      status: () => ({ status: 'ready' }),
      generate: () => {
        throw new Error('not used');
      },
      close: async () => undefined,
    };
    const service = new AdminModelsService({
      models: new ModelRegistry(catalogueOf(offlineChatModel()), { 'openai-compatible': remote }),
      log,
    });
    expect(() => service.checkPullable('remote')).toThrow(InvalidInputError);
  });

  it('lists the host of each URL; a reload of a bad file keeps the catalogue in use', async () => {
    const registry = new ModelRegistry(catalogueOf(local), { local: localProvider([]) });
    const service = new AdminModelsService({
      models: registry,
      log,
      read: (file) => {
        throw new CatalogueError(file, ['models[0]: bad']);
      },
    });
    expect(service.list().models[0]).toMatchObject({
      url: 'https://mirror.example:8443/tiny.gguf',
      host: 'mirror.example:8443',
    });
    const refused = await service.reload().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidCatalogueError);
    expect((refused as InvalidCatalogueError).details).toEqual({
      file: '/etc/models.yaml',
      problems: ['models[0]: bad'],
    });
    expect(registry.catalogue.models.map((m) => m.id)).toEqual(['tiny']);
  });
});

describe('AdminUsageService', () => {
  it('asks for the 30 UTC days ending today and fills the days without runs', async () => {
    const asked: [Date, Date, number][] = [];
    const counts: UsageCounts = {
      kinds: [
        { kind: 'explain', count: 1 },
        { kind: 'generate', count: 2 },
      ],
      days: [
        { date: '2026-03-01', count: 2 },
        { date: '2026-03-30', count: 1 },
      ],
      byModel: [{ modelId: 'm', count: 3 }],
      topUsers: [{ userId: 'u', username: 'ann', count: 3 }],
    };
    const store = {
      usage: {
        countBetween: async (since: Date, until: Date, top: number) => {
          asked.push([since, until, top]);
          return counts;
        },
      },
    } as unknown as Store;
    // Late on 30 March (UTC): today is the 30th, the first day 1 March.
    const usage = await new AdminUsageService(
      store,
      new ManualClock(Date.parse('2026-03-30T23:59:00Z')),
    ).last30Days();
    expect(asked).toEqual([[new Date('2026-03-01T00:00:00Z'), new Date('2026-03-31T00:00:00Z'), 10]]);
    expect(usage.last30Days).toHaveLength(30);
    expect(usage.last30Days[0]).toEqual({ date: '2026-03-01', count: 2 });
    expect(usage.last30Days[1]).toEqual({ date: '2026-03-02', count: 0 });
    expect(usage.last30Days.at(-1)).toEqual({ date: '2026-03-30', count: 1 });
    expect(usage).toMatchObject({ total: 3, generations: 2, explanations: 1 });
  });
});
