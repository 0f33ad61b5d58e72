import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinnedLocalModel } from '../../../../test/helpers/catalogue.js';
import { startDownloadServer, type DownloadServer } from '../../../../test/helpers/download-server.js';
import { localProviderOptions, rejection } from '../../../../test/helpers/local-provider.js';
import { writeTinyGguf } from '../../../../test/helpers/tiny-gguf.js';
import type { LocalModelEntry } from '../catalogue.js';
import { GenerationCancelledError, ModelUnavailableError } from '../model-errors.js';
import type { Chunk, ModelStatus } from '../provider.port.js';
import { LocalProvider, type LocalProviderOptions } from './local.provider.js';
import { renderCompletion } from '../prompt-formats.js';

/** Local models downloaded on first use, from a real HTTP server on loopback. */

async function collect(chunks: AsyncIterable<Chunk>): Promise<{ text: string; completionTokens: number }> {
  let text = '';
  let completionTokens = -1;
  for await (const chunk of chunks) {
    if (chunk.type === 'token') {
      text += chunk.text;
    } else {
      completionTokens = chunk.completionTokens;
    }
  }
  return { text, completionTokens };
}

describe('LocalProvider downloads', () => {
  let body: Buffer;
  let scratch: string;
  let modelsDir: string;
  let server: DownloadServer;
  let provider: LocalProvider | undefined;
  let model: LocalModelEntry;

  const make = (overrides: Partial<LocalProviderOptions> = {}): LocalProvider => {
    provider = new LocalProvider(
      localProviderOptions({
        modelsDir,
        // As in production: llama.cpp looks for a GPU (falling back to the CPU) and picks its threads.
        gpu: 'auto',
        threads: undefined,
        ...overrides,
      }),
    );
    return provider;
  };
  const generate = (p: LocalProvider, signal?: AbortSignal) =>
    p.generate({
      model,
      input: { style: 'text', prompt: renderCompletion('SELECT', []) },
      params: { temperature: 0, topP: 1, maxTokens: 6, stop: [] },
      signal: signal ?? new AbortController().signal,
    });
  // Stored under a name pinned to the file's sha256 (model-source.ts).
  const pinnedName = (): string => `tiny-${model.sha256?.slice(0, 12) ?? ''}.gguf`;
  const file = (): string => path.join(modelsDir, pinnedName());

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'local-download-'));
    const source = path.join(scratch, 'source.gguf');
    writeTinyGguf(source, { seed: 3 });
    body = fs.readFileSync(source);
  });

  beforeEach(async () => {
    modelsDir = fs.mkdtempSync(path.join(scratch, 'models-'));
    // About 0.4 s for the whole file, so the download can be watched.
    server = await startDownloadServer(body, {
      path: '/repo/tiny.gguf',
      throttle: { chunkBytes: 16_384, delayMs: 15 },
    });
    model = pinnedLocalModel('tiny', 'Tiny Remote', server.url, body, { contextLength: 256 });
  });

  afterEach(async () => {
    await provider?.close();
    provider = undefined;
    await server.close();
  });

  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('downloads a missing model on first use, showing progress meanwhile, then generates', async () => {
    const p = make();
    expect(p.status(model)).toEqual({ status: 'not-downloaded' });

    const answer = collect(generate(p));
    const second = collect(generate(p)); // waits for the same download
    // Every status seen, sampled every 10 ms until ready.
    const seen: ModelStatus[] = [];
    await expect
      .poll(
        () => {
          seen.push(p.status(model));
          return seen.at(-1)?.status;
        },
        { interval: 10, timeout: 20_000 },
      )
      .toBe('ready');
    const downloading = seen.filter((s) => s.status === 'downloading');
    expect(downloading.length).toBeGreaterThan(2);
    const midway = downloading.find(
      (s) => (s.progress?.receivedBytes ?? 0) > 0 && s.progress?.receivedBytes !== body.length,
    );
    expect(midway?.progress).toEqual({ receivedBytes: expect.any(Number), totalBytes: body.length });

    expect((await answer).completionTokens).toBe(6);
    expect((await second).completionTokens).toBe(6);
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    // The file and its verification memo (so a restart does not hash it again).
    expect(fs.readdirSync(modelsDir).sort()).toEqual([pinnedName(), `${pinnedName()}.verified.json`]);
    expect(fs.readFileSync(file()).equals(body)).toBe(true);
  });

  it('keeps downloading for later requests when the first request is cancelled', async () => {
    const p = make();
    const controller = new AbortController();
    const answer = collect(generate(p, controller.signal));
    await expect.poll(() => p.status(model).status, { interval: 5, timeout: 20_000 }).toBe('downloading');
    controller.abort();
    expect(await rejection(answer)).toBeInstanceOf(GenerationCancelledError);
    expect(p.status(model).status).toBe('downloading');
    // Then its sha256 is checked ('verifying'), then it is ready.
    await expect.poll(() => p.status(model), { interval: 10, timeout: 20_000 }).toEqual({ status: 'ready' });
  });

  it('reports a failed download as an unavailable model, with the reason in the status', async () => {
    const p = make();
    server.fault = { kind: 'not-found' };
    const error = await rejection(collect(generate(p)));
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toMatch(/^Download of Tiny Remote failed: .*answered 404/);
    expect(p.status(model)).toEqual({ status: 'not-downloaded', reason: (error as Error).message });
    expect(fs.readdirSync(modelsDir)).toEqual([]);

    // A later request tries again.
    server.fault = { kind: 'none' };
    expect((await collect(generate(p))).completionTokens).toBe(6);
    expect(p.status(model)).toEqual({ status: 'ready' });
  });

  it('with auto-download off, refuses a missing model and says how to pull it', async () => {
    const p = make({ autoDownload: false });
    const reason = 'Tiny Remote is not downloaded. Run: npm run models -- pull tiny';
    expect(p.status(model)).toEqual({ status: 'unavailable', reason });
    const error = await rejection(collect(generate(p)));
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toBe(reason);
    expect(server.requests).toEqual([]);

    // `npm run models -- pull tiny` goes through download(): then the model is ready.
    const progress: number[] = [];
    expect(await p.download(model, (x) => progress.push(x.receivedBytes))).toBe(file());
    expect(progress.at(-1)).toBe(body.length);
    expect(p.status(model)).toEqual({ status: 'ready' });
    expect((await collect(generate(p))).completionTokens).toBe(6);
  });
});
