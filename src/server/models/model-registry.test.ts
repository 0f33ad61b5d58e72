import { describe, expect, it } from 'vitest';
import type { Catalogue, ModelEntry } from './catalogue.js';
import { ModelRegistry } from './model-registry.js';
import type { ModelProvider } from './provider.port.js';
import { offlineChatModel } from '../../../test/helpers/catalogue.js';

/** A provider that records which models it was asked to start. */
function fakeProvider(kind: ModelEntry['provider']): ModelProvider & { started: string[][] } {
  const started: string[][] = [];
  return {
    kind,
    started,
    start: (models) => {
      started.push(models.map((m) => m.id));
    },
    status: () => ({ status: 'ready' }),
    generate: () => {
      throw new Error('not used');
    },
    close: async () => undefined,
  };
}

const remote = (id: string, fields: Partial<ModelEntry> = {}): ModelEntry =>
  ({ ...offlineChatModel({ id, name: id }), ...fields }) as ModelEntry;
const local = (id: string): ModelEntry => ({
  id,
  name: id,
  provider: 'local',
  format: 'completion',
  source: `/models/${id}.gguf`,
});
const catalogueOf = (...models: ModelEntry[]): Catalogue => ({
  defaultModel: models[0]?.id ?? '',
  models,
  file: '/etc/models.yaml',
});

describe('ModelRegistry.replaceCatalogue', () => {
  it('says what was added, removed and changed, and starts only the new and changed models', async () => {
    const provider = fakeProvider('openai-compatible');
    const registry = new ModelRegistry(catalogueOf(remote('a'), remote('b'), remote('c')), {
      'openai-compatible': provider,
    });
    registry.start();
    const entryOfA = registry.get('a');
    const change = await registry.replaceCatalogue(
      catalogueOf(remote('a'), remote('b', { name: 'B2' }), remote('d')),
    );
    expect(change).toEqual({ added: ['d'], removed: ['c'], changed: ['b'] });
    expect(provider.started).toEqual([
      ['a', 'b', 'c'],
      ['b', 'd'],
    ]);
    expect(registry.list().map((m) => m.id)).toEqual(['a', 'b', 'd']);
    expect(() => registry.get('c')).toThrow('There is no model "c"');
    // A run that took its entry before the reload keeps it.
    expect(entryOfA).toEqual(remote('a'));
  });

  it('creates a provider for a kind the catalogue did not use before', async () => {
    const created = fakeProvider('local');
    const asked: string[][] = [];
    const registry = new ModelRegistry(
      catalogueOf(remote('a')),
      { 'openai-compatible': fakeProvider('openai-compatible') },
      async (kinds) => {
        asked.push([...kinds]);
        return { local: created };
      },
    );
    await registry.replaceCatalogue(catalogueOf(remote('a'), local('tiny')));
    expect(asked).toEqual([['local']]);
    expect(registry.providerFor(registry.get('tiny'))).toBe(created);
    // Not started yet: the registry itself was not (start-up starts everything).
    expect(created.started).toEqual([]);
  });

  it('moves loadedAt and lists each model with its details (none from a provider without them)', async () => {
    const registry = new ModelRegistry(catalogueOf(remote('a')), {
      'openai-compatible': fakeProvider('openai-compatible'),
    });
    const before = registry.loadedAt;
    await registry.replaceCatalogue(catalogueOf(remote('a')));
    expect(registry.loadedAt).not.toBe(before);
    expect(registry.details()[0]).toMatchObject({ id: 'a', url: null, file: null, lastError: null });
  });

  it("tells each provider which of its models the new catalogue keeps, so it drops the others' checks", async () => {
    const retained: string[][] = [];
    const provider = {
      ...fakeProvider('openai-compatible'),
      retain: (models: readonly ModelEntry[]) => {
        retained.push(models.map((m) => m.id));
      },
    };
    const registry = new ModelRegistry(catalogueOf(remote('a'), remote('b')), {
      'openai-compatible': provider,
    });
    registry.start();
    await registry.replaceCatalogue(catalogueOf(remote('b'), remote('c')));
    expect(retained).toEqual([['b', 'c']]);
  });
});
