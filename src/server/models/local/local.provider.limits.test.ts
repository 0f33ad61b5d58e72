import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localProviderOptions, rejection } from '../../../../test/helpers/local-provider.js';
import { writeTinyGguf } from '../../../../test/helpers/tiny-gguf.js';
import type { LocalModelEntry } from '../catalogue.js';
import { GenerationCancelledError, ModelBusyError, ModelUnavailableError } from '../model-errors.js';
import type { Chunk } from '../provider.port.js';
import { LocalProvider, type LocalProviderOptions } from './local.provider.js';
import { renderCompletion } from '../prompt-formats.js';

/** The generation queue and the memory budget of the local engine, on real llama.cpp. */
const MiB = 1_048_576;

function stream(provider: LocalProvider, model: LocalModelEntry, maxTokens: number, signal?: AbortSignal) {
  return provider.generate({
    model,
    input: { style: 'text', prompt: renderCompletion('def add(a, b):', []) },
    params: { temperature: 0, topP: 1, maxTokens, stop: [] },
    signal: signal ?? new AbortController().signal,
  });
}

async function completionTokens(chunks: AsyncIterable<Chunk>): Promise<number> {
  let count = 0;
  for await (const chunk of chunks) {
    if (chunk.type === 'usage') {
      count = chunk.completionTokens;
    }
  }
  return count;
}

/**
 * Starts a long generation and resolves once its first token is out (it
 * holds a slot then); `done` settles when its stream ends.
 */
async function startLong(
  provider: LocalProvider,
  model: LocalModelEntry,
  signal: AbortSignal,
): Promise<{ done: Promise<void> }> {
  const iterator = stream(provider, model, 3_000, signal)[Symbol.asyncIterator]();
  const first = await iterator.next();
  expect(first.value).toMatchObject({ type: 'token' });
  const rest = (async () => {
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) {
      // drain
    }
  })();
  // Its end is checked by the caller; keep it from counting as unhandled meanwhile.
  rest.catch(() => undefined);
  return { done: rest };
}

describe('LocalProvider limits', () => {
  let dir: string;
  let a: LocalModelEntry;
  let b: LocalModelEntry;
  const providers: LocalProvider[] = [];
  const make = (o: Partial<LocalProviderOptions>): LocalProvider => {
    const p = new LocalProvider(
      localProviderOptions({ modelsDir: dir, autoDownload: false, queueLength: 1, ...o }),
    );
    providers.push(p);
    return p;
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-limits-'));
    writeTinyGguf(path.join(dir, 'a.gguf'), { seed: 1, contextLength: 4096 });
    writeTinyGguf(path.join(dir, 'b.gguf'), { seed: 2, contextLength: 4096 });
    const base = { provider: 'local', format: 'completion', contextLength: 4096 } as const;
    a = { ...base, id: 'a', name: 'Tiny A', source: path.join(dir, 'a.gguf') };
    b = { ...base, id: 'b', name: 'Tiny B', source: path.join(dir, 'b.gguf') };
  });

  afterEach(async () => {
    await Promise.all(providers.splice(0).map((p) => p.close()));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('queue (parallel 1, queue length 1)', () => {
    it('turns a third concurrent request away with ModelBusyError', async () => {
      const provider = make({ parallel: 1, queueLength: 1 });
      const first = new AbortController();
      const long = await startLong(provider, a, first.signal);

      const second = completionTokens(stream(provider, a, 3));
      await nextTurn(); // the second request is waiting in the queue now
      const busy = await rejection(completionTokens(stream(provider, a, 3)));
      expect(busy).toBeInstanceOf(ModelBusyError);
      expect(busy).toMatchObject({ code: 'busy', retryAfterSeconds: 5 });

      first.abort();
      expect(await rejection(long.done)).toBeInstanceOf(GenerationCancelledError);
      // The waiting request got the slot and ran.
      expect(await second).toBe(3);
    });

    it('lets a waiting request whose signal aborts leave the queue', async () => {
      const provider = make({ parallel: 1, queueLength: 1 });
      const first = new AbortController();
      const long = await startLong(provider, a, first.signal);

      const waiting = new AbortController();
      const second = completionTokens(stream(provider, a, 3, waiting.signal));
      await nextTurn();
      waiting.abort();
      expect(await rejection(second)).toBeInstanceOf(GenerationCancelledError);

      // Its place is free: another request may wait (no ModelBusyError) and runs later.
      const third = completionTokens(stream(provider, a, 4));
      await nextTurn();
      first.abort();
      await rejection(long.done);
      expect(await third).toBe(4);
    });
  });

  it('close() stops running generations, turns waiting ones away and unloads everything', async () => {
    const provider = make({ parallel: 1, queueLength: 1 });
    const long = await startLong(provider, a, new AbortController().signal);
    const waiting = rejection(completionTokens(stream(provider, a, 3)));
    await nextTurn();

    await provider.close();
    for (const error of [await rejection(long.done), await waiting]) {
      expect(error).toBeInstanceOf(ModelUnavailableError);
      expect((error as Error).message).toBe('The local models are shutting down.');
    }
    expect(provider.loadedModels()).toEqual([]);
    expect(await rejection(completionTokens(stream(provider, a, 3)))).toBeInstanceOf(ModelUnavailableError);
  });

  describe('memory budget', () => {
    it('unloads the least recently used model when the next one does not fit', async () => {
      // One tiny model with a 4096-token context is estimated at about
      // 6 MiB (0.4 MiB of weights, the KV cache and buffers): 10 MiB holds one.
      const provider = make({ memoryBudgetBytes: 10 * MiB });
      await completionTokens(stream(provider, a, 2));
      const [onlyA] = provider.loadedModels();
      expect(onlyA?.id).toBe('a');
      expect(onlyA?.estimatedBytes).toBeLessThan(10 * MiB);
      expect(2 * (onlyA?.estimatedBytes ?? 0)).toBeGreaterThan(10 * MiB);

      await completionTokens(stream(provider, b, 2));
      expect(provider.loadedModels().map((m) => m.id)).toEqual(['b']);
      await completionTokens(stream(provider, a, 2));
      expect(provider.loadedModels().map((m) => m.id)).toEqual(['a']);
    });

    it('keeps both models loaded when the budget holds both', async () => {
      const provider = make({ memoryBudgetBytes: 64 * MiB });
      await completionTokens(stream(provider, a, 2));
      await completionTokens(stream(provider, b, 2));
      expect(provider.loadedModels().map((m) => m.id)).toEqual(['b', 'a']);
    });

    it('never unloads a model that is generating, and unloads it once it is done', async () => {
      const provider = make({ memoryBudgetBytes: 10 * MiB, parallel: 2, queueLength: 0 });
      const stopA = new AbortController();
      const longA = await startLong(provider, a, stopA.signal);

      // B loads beside the busy A: over budget for a while, rather than unloading a model in use.
      const stopB = new AbortController();
      const longB = await startLong(provider, b, stopB.signal);
      expect(provider.loadedModels().map((m) => m.id)).toEqual(['b', 'a']);

      // A's release brings the budget back: A, now idle and least recently used, goes.
      stopA.abort();
      expect(await rejection(longA.done)).toBeInstanceOf(GenerationCancelledError);
      // The unload after a release is asynchronous.
      await expect.poll(() => provider.loadedModels().map((m) => m.id)).toEqual(['b']);

      stopB.abort();
      expect(await rejection(longB.done)).toBeInstanceOf(GenerationCancelledError);
    });

    it('refuses a model larger than the whole budget', async () => {
      const provider = make({ memoryBudgetBytes: 1 * MiB });
      const error = await rejection(completionTokens(stream(provider, a, 2)));
      expect(error).toBeInstanceOf(ModelUnavailableError);
      expect((error as Error).message).toMatch(
        /^Tiny A needs about \d+ MB of memory, more than the models may use/,
      );
      expect(provider.status(a)).toMatchObject({ status: 'unavailable' });
    });
  });
});
