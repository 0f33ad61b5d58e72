import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remoteModel } from '../../../test/helpers/catalogue.js';
import { ManualClock } from '../clock.js';
import { ConflictError, NotFoundError, RateLimitedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { parseCatalogue, type ModelEntry } from '../models/catalogue.js';
import {
  GenerationCancelledError,
  ModelUnavailableError,
  ProviderError,
  ProviderRateLimitedError,
} from '../models/model-errors.js';
import { ModelRegistry } from '../models/model-registry.js';
import type { Chunk, GenerationRequest, ModelProvider, ModelStatus } from '../models/provider.port.js';
import { fixtureUser, T0 } from '../store/store-fixtures.js';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import type { Store } from '../store/store.port.js';
import type { GenerationEvent } from '../../shared/generation.schemas.js';
import { ActivityLog } from './activity.service.js';
import { GenerationService, type GenerationRun, type GenerationServiceDeps } from './generation.service.js';
import type { NumberedEvent } from './run-registry.js';

type Script = (request: GenerationRequest) => AsyncIterable<Chunk>;

/** A model provider whose answers the test scripts; it records every request. */
class FakeProvider implements ModelProvider {
  readonly kind = 'openai-compatible';
  readonly requests: GenerationRequest[] = [];
  current: ModelStatus = { status: 'ready' };
  refreshed = 0;
  script: Script = answer(['Hello', ' world']);

  status(): ModelStatus {
    return this.current;
  }
  refresh(): void {
    this.refreshed++;
  }
  generate(request: GenerationRequest): AsyncIterable<Chunk> {
    this.requests.push(request);
    return this.script(request);
  }
  async close(): Promise<void> {
    // nothing held
  }
}

/** Streams `tokens`, then usage, then throws `error` instead when given. */
function answer(tokens: string[], error?: Error): Script {
  return async function* () {
    for (const text of tokens) {
      yield { type: 'token', text };
    }
    if (error) {
      throw error;
    }
    yield { type: 'usage', promptTokens: 7, completionTokens: tokens.length };
  };
}

/** Streams one token, then waits until the request's signal aborts, like a real provider. */
const untilAborted: Script = async function* (request) {
  yield { type: 'token', text: 'partial' };
  if (!request.signal.aborted) {
    await new Promise<void>((resolve) => {
      request.signal.addEventListener('abort', () => {
        resolve();
      });
    });
  }
  throw new GenerationCancelledError();
};

async function collect(run: GenerationRun): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  for await (const event of run.events) {
    events.push(event);
  }
  return events;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-generation-'));
const client = { ip: '127.0.0.1', userAgent: 'unit-test' };
const errors: unknown[] = [];
const log: Logger = {
  error: (fields: unknown) => {
    errors.push(fields);
  },
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => log,
};

describe('GenerationService', () => {
  let store: Store;
  let provider: FakeProvider;
  let clock: ManualClock;
  let model: ModelEntry;
  let userId: string;
  let service: GenerationService;

  function newService(
    limits = { perMinute: 100, runningPerUser: 2 },
    more: Partial<GenerationServiceDeps> = {},
  ): GenerationService {
    const catalogue = parseCatalogue(
      JSON.stringify({
        defaultModel: 'chat-a',
        models: [remoteModel('http://127.0.0.1:9', 'chat-a', 'Chat A')],
      }),
      'test-catalogue.json',
    );
    const models = new ModelRegistry(catalogue, { 'openai-compatible': provider });
    model = models.get(undefined);
    return new GenerationService({
      store,
      models,
      activity: new ActivityLog(store, clock),
      clock,
      limits,
      log,
      ...more,
    });
  }

  beforeEach(async () => {
    store = SqliteStore.open(path.join(dir, `${Math.random().toString(36).slice(2)}.db`));
    provider = new FakeProvider();
    clock = new ManualClock(T0);
    errors.length = 0;
    userId = (await store.users.create(fixtureUser())).id;
    service = newService();
  });

  afterEach(async () => {
    await store.close();
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const generate = (prompt = 'say hello', groupId?: string) =>
    service.startGenerate(userId, { prompt, language: 'python', groupId }, client);

  it('streams start, the tokens and done, and stores the completed run at the clock time', async () => {
    const run = await generate();
    expect(await store.prompts.findById(run.id)).toMatchObject({ status: 'running', input: 'say hello' });
    clock.advance(1500);

    const events = await collect(run);

    expect(events.map((e) => e.event)).toEqual(['start', 'token', 'token', 'done']);
    expect(events[0]).toEqual({
      event: 'start',
      data: { id: run.id, modelId: 'chat-a', threadId: run.id, parentId: null, omittedTurns: 0 },
    });
    expect(events[3]).toMatchObject({
      event: 'done',
      data: { id: run.id, output: 'Hello world', usage: { promptTokens: 7, completionTokens: 2 } },
    });
    expect(await store.prompts.findById(run.id)).toMatchObject({
      status: 'completed',
      output: 'Hello world',
      error: null,
      promptTokens: 7,
      completionTokens: 2,
      createdAt: T0,
      finishedAt: new Date(T0.getTime() + 1500),
    });
    expect(provider.requests).toHaveLength(1);
    expect(provider.requests[0]?.model.id).toBe('chat-a');
    expect(await store.activity.listForUser(userId, 10)).toMatchObject([
      { kind: 'generation', details: { promptId: run.id, kind: 'generate', modelId: 'chat-a' } },
    ]);
  });

  it('ends with an error event and a failed record keeping the partial output when the provider fails', async () => {
    provider.script = answer(['def f('], new ProviderError('The server broke.'));
    const run = await generate();

    const events = await collect(run);

    expect(events.at(-1)).toEqual({
      event: 'error',
      data: { code: 'provider_error', message: 'The server broke.' },
    });
    expect(run.failure()).toBeInstanceOf(ProviderError);
    expect(await store.prompts.findById(run.id)).toMatchObject({
      status: 'failed',
      output: 'def f(',
      error: { code: 'provider_error', message: 'The server broke.' },
    });
    expect(errors).toEqual([]);
  });

  it('passes the retry time of a rate-limited provider on in the error event', async () => {
    provider.script = answer([], new ProviderRateLimitedError(model.name, 30));
    const events = await collect(await generate());
    expect(events.at(-1)).toMatchObject({
      event: 'error',
      data: { code: 'provider_rate_limited', retryAfterSeconds: 30 },
    });
  });

  it('hides an unexpected failure behind a generic message and logs it', async () => {
    provider.script = answer(['x'], new TypeError('undefined is not a function'));
    const run = await generate();
    const events = await collect(run);
    expect(events.at(-1)).toEqual({
      event: 'error',
      data: { code: 'internal', message: 'The model failed unexpectedly.' },
    });
    expect(errors).toEqual([{ err: new TypeError('undefined is not a function'), promptId: run.id }]);
  });

  it('cancels a running generation of its user and keeps the partial output as cancelled', async () => {
    provider.script = untilAborted;
    const run = await generate();
    const reader = run.events[Symbol.asyncIterator]();
    expect((await reader.next()).value).toMatchObject({ event: 'start' });
    expect((await reader.next()).value).toEqual({ event: 'token', data: { text: 'partial' } });

    await expect(service.cancel('someone-else', run.id)).rejects.toBeInstanceOf(NotFoundError);
    await service.cancel(userId, run.id);

    expect((await reader.next()).value).toEqual({
      event: 'error',
      data: { code: 'cancelled', message: 'The generation was stopped.' },
    });
    expect((await reader.next()).done).toBe(true);
    expect(run.failure()).toBeInstanceOf(GenerationCancelledError);
    expect(await store.prompts.findById(run.id)).toMatchObject({
      status: 'cancelled',
      output: 'partial',
      error: null,
    });
    await expect(service.cancel(userId, run.id)).rejects.toBeInstanceOf(ConflictError);
  });

  /** A run whose model sent 'partial' and waits to be stopped, read past its start and that token. */
  async function partialRun(): Promise<{ run: GenerationRun; reader: AsyncIterator<GenerationEvent> }> {
    provider.script = untilAborted;
    const run = await generate();
    const reader = run.events[Symbol.asyncIterator]();
    await reader.next();
    await reader.next();
    return { run, reader };
  }

  it('stops a run of another instance through the store: its owner notices the request and keeps the output', async () => {
    const { run, reader } = await partialRun();
    // A second instance on the same store.
    const other = newService();
    expect(other.instanceId).not.toBe(service.instanceId);

    await expect(other.cancel('someone-else', run.id)).rejects.toBeInstanceOf(NotFoundError);
    await other.cancel(userId, run.id);
    expect(await other.abortRequested()).toBe(0);
    expect(await service.abortRequested()).toBe(1);

    expect((await reader.next()).value).toEqual({
      event: 'error',
      data: { code: 'cancelled', message: 'The generation was stopped.' },
    });
    expect(await store.prompts.findById(run.id)).toMatchObject({ status: 'cancelled', output: 'partial' });
    expect(await service.abortRequested()).toBe(0);
    await expect(other.cancel(userId, run.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('lets a client of another instance follow a run: what is saved, then its end', async () => {
    const { run } = await partialRun();
    await store.prompts.saveProgress(run.id, 'partial', 1);

    const other = newService(undefined, { followPollMs: 5 });
    await expect(other.attach('someone-else', run.id)).rejects.toBeInstanceOf(NotFoundError);
    const events: NumberedEvent[] = [];
    const following = (async () => {
      for await (const event of await other.attach(userId, run.id)) {
        events.push(event);
      }
    })();
    await expect.poll(() => events.map((e) => e.event.event)).toEqual(['start', 'token']);
    expect(events[1]?.event).toEqual({ event: 'token', data: { text: 'partial' } });

    await service.cancel(userId, run.id);
    await following;
    expect(events.map((e) => [e.id, e.event.event])).toEqual([
      [1, 'start'],
      [2, 'token'],
      [3, 'error'],
    ]);
    expect(events[2]?.event.data).toEqual({ code: 'cancelled', message: 'The generation was stopped.' });
  });

  it('refuses a model its provider reports unavailable, asks it to look again, and stores nothing', async () => {
    provider.current = { status: 'unavailable', reason: 'The server is down.' };
    await expect(generate()).rejects.toThrow(new ModelUnavailableError('The server is down.'));
    expect(provider.refreshed).toBe(1);
    expect((await store.prompts.listForUser(userId, {}, 10)).items).toEqual([]);
  });

  it('admits runs through the limiter: a slot frees when a run ends', async () => {
    service = newService({ perMinute: 100, runningPerUser: 1 });
    const first = await generate();
    await expect(generate()).rejects.toBeInstanceOf(RateLimitedError);
    // Runs of one Compare group share the slot of the first.
    const groupId = '6f1f3f2e-8f55-4a3b-9a55-0c2f2d9b1a10';
    await collect(first);

    const grouped = [await generate('a', groupId), await generate('b', groupId)];
    await expect(generate()).rejects.toBeInstanceOf(RateLimitedError);
    await Promise.all(grouped.map(collect));
    await expect(generate()).resolves.toMatchObject({ modelId: 'chat-a' });
  });

  it('counts starts per minute on the injected clock', async () => {
    service = newService({ perMinute: 2, runningPerUser: 5 });
    await collect(await generate());
    await collect(await generate());
    const refused = await generate().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(60);

    clock.advance(60_000);
    await expect(generate()).resolves.toMatchObject({ modelId: 'chat-a' });
  });
});
