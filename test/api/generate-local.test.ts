import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/app.js';
import { pinnedLocalModel } from '../helpers/catalogue.js';
import { startDownloadServer } from '../helpers/download-server.js';
import { apiClient, registerAndLogin, type ApiResponse, type Json } from '../helpers/http.js';
import { postForStream, readSse } from '../helpers/sse.js';
import { useSignedInUser, useSuiteFixture, useTestServer } from '../helpers/suite.js';
import { writeTinyGguf } from '../helpers/tiny-gguf.js';

/**
 * The generate / explain API on real llama.cpp, with a tiny random-weight
 * model the helpers write: loading, streaming, grammar-constrained JSON,
 * cancelling, the queue and downloads, all without a real model download.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-local-api-'));
const modelFile = path.join(dir, 'tiny.gguf');
writeTinyGguf(modelFile, { contextLength: 4096 });

function localCatalogue(downloadUrl: string) {
  return {
    defaultModel: 'tiny-chat',
    models: [
      {
        id: 'tiny-chat',
        name: 'Tiny Chat',
        provider: 'local',
        format: 'chatml',
        source: modelFile,
        contextLength: 4096,
      },
      {
        id: 'tiny-base',
        name: 'Tiny Base',
        provider: 'local',
        format: 'completion',
        source: modelFile,
        contextLength: 4096,
      },
      pinnedLocalModel('tiny-download', 'Tiny Download', downloadUrl, fs.readFileSync(modelFile)),
    ],
  };
}

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
const downloads = useSuiteFixture(
  () =>
    startDownloadServer(fs.readFileSync(modelFile), {
      path: '/tiny-download.gguf',
      throttle: { chunkBytes: 64 * 1024, delayMs: 60 },
    }),
  (files) => files.close(),
);
const server = useTestServer(() => ({
  name: 'generate-local',
  catalogue: localCatalogue(downloads.url),
  env: { MODELS_PARALLEL: '1', MODELS_QUEUE_LENGTH: '0' },
}));
const api = apiClient(() => server.url);
const session = useSignedInUser(api);

function stream(pathName: string, body: unknown, signal?: AbortSignal) {
  return postForStream(`${server.url}${pathName}`, session.token, body, signal);
}

describe('local models through the API', () => {
  it('streams a chat model’s answer token by token and saves it', async () => {
    const events = await readSse(await stream('/api/generate', { prompt: 'Add two numbers', maxTokens: 24 }));
    expect(events[0]?.event).toBe('start');
    const tokens = events.filter((e) => e.event === 'token');
    expect(tokens.length).toBeGreaterThan(1);
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(done?.data.modelId).toBe('tiny-chat');
    expect(tokens.map((t) => t.data.text).join('')).toBe(done?.data.output);
    expect(done?.data.usage.completionTokens).toBeGreaterThan(0);
    expect(done?.data.usage.completionTokens).toBeLessThanOrEqual(24);
    expect(done?.data.usage.promptTokens).toBeGreaterThan(0);
    expect(done?.data.timings.firstTokenMs).toBeGreaterThanOrEqual(0);
    expect((await server.store.prompts.findById(done?.data.id))?.status).toBe('completed');
  });

  it('runs a completion model, answering JSON without streaming', async () => {
    const res = await api.post(
      '/api/generate',
      { modelId: 'tiny-base', prompt: 'hello', maxTokens: 16 },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.modelId).toBe('tiny-base');
    expect(res.body.code).toBe(res.body.output.trim());
  });

  it('gives line-by-line explanations as sections covering the code (grammar-constrained)', async () => {
    const code = 'x = 1\ny = 2\nprint(x + y)';
    const res = await api.post(
      '/api/explain',
      { code, format: 'line-by-line', maxTokens: 200 },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    const sections = res.body.sections as { startLine: number; endLine: number }[];
    expect(sections.length).toBeGreaterThan(0);
    expect(sections[0]?.startLine).toBe(1);
    expect(sections.at(-1)?.endLine).toBe(3);
    sections.slice(1).forEach((s, i) => {
      expect(s.startLine).toBe((sections[i]?.endLine ?? 0) + 1);
    });
    // The constrained output is the requested JSON (or a valid prefix of it when maxTokens ran out).
    expect(res.body.output.trimStart().startsWith('{')).toBe(true);
  });

  it('stops decoding at once when the client disconnects, saving the partial output', async () => {
    const controller = new AbortController();
    let id = '';
    await readSse(
      await stream(
        '/api/generate',
        { prompt: 'Write a lot', maxTokens: 3000, stopOnDisconnect: true },
        controller.signal,
      ),
      (e, all) => {
        if (e.event === 'start') {
          id = e.data.id;
        }
        if (all.filter((x) => x.event === 'token').length >= 3) {
          controller.abort();
          return true;
        }
        return undefined;
      },
    );
    await expect
      .poll(async () => (await server.store.prompts.findById(id))?.status, { timeout: 2000 })
      .toBe('cancelled');
    const record = await server.store.prompts.findById(id);
    expect(record?.output.length).toBeGreaterThan(0);
    expect(record?.completionTokens ?? 0).toBeLessThan(3000);
    // The slot is free again: the next generation runs.
    expect(
      (await api.post('/api/generate', { prompt: 'again', maxTokens: 8 }, { token: session.token })).status,
    ).toBe(200);
  });

  it('answers 503 busy with Retry-After when the queue is full', async () => {
    const controller = new AbortController();
    const first = await stream(
      '/api/generate',
      { prompt: 'long', maxTokens: 3000, stopOnDisconnect: true },
      controller.signal,
    );
    let busy: ApiResponse<Json> | undefined;
    await readSse(first, async (_e, all) => {
      if (!busy && all.some((x) => x.event === 'token')) {
        // MODELS_PARALLEL=1 and MODELS_QUEUE_LENGTH=0: no room for a second one.
        const other = await registerAndLogin(api);
        busy = await api.post('/api/generate', { prompt: 'second', maxTokens: 8 }, { token: other.token });
        controller.abort();
        return true;
      }
      return undefined;
    });
    expect(busy?.status).toBe(503);
    expect(busy?.body.error.code).toBe('busy');
    expect(Number(busy?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('downloads a missing model on first use, showing progress in GET /api/models', async () => {
    const before = await api.get('/api/models', { token: session.token });
    const listing = (body: { id: string }[]) => body.find((m) => m.id === 'tiny-download');
    expect(listing(before.body)).toMatchObject({
      status: 'not-downloaded',
      downloadSize: fs.statSync(modelFile).size,
    });

    const run = api.post(
      '/api/generate',
      { modelId: 'tiny-download', prompt: 'hi', maxTokens: 8 },
      { token: session.token },
    );
    await expect
      .poll(async () => listing((await api.get('/api/models', { token: session.token })).body), {
        timeout: 10_000,
        interval: 50,
      })
      .toMatchObject({ status: 'downloading', progress: { receivedBytes: expect.any(Number) } });
    const res = await run;
    expect(res.status).toBe(200);
    expect(listing((await api.get('/api/models', { token: session.token })).body)).toMatchObject({
      status: 'ready',
    });
    // Stored under a name pinned to its sha256, with the memo of its verification.
    const sha = createHash('sha256').update(fs.readFileSync(modelFile)).digest('hex');
    const stored = path.join(server.config.models.dir, `tiny-download-${sha.slice(0, 12)}.gguf`);
    expect(fs.readFileSync(stored).equals(fs.readFileSync(modelFile))).toBe(true);
    expect(fs.existsSync(`${stored}.verified.json`)).toBe(true);
  });
});

describe('with MODELS_AUTO_DOWNLOAD=false', () => {
  it('refuses a missing model with a clear 503 naming the pull command', async () => {
    const other = await startTestServer({
      name: 'generate-local-nodl',
      catalogue: localCatalogue('http://127.0.0.1:9/never.gguf'),
      env: { MODELS_AUTO_DOWNLOAD: 'false' },
    });
    try {
      const oapi = apiClient(other.url);
      const t = (await registerAndLogin(oapi)).token;
      const res = await oapi.post('/api/generate', { modelId: 'tiny-download', prompt: 'hi' }, { token: t });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('model_unavailable');
      expect(res.body.error.message).toContain('npm run models -- pull tiny-download');
    } finally {
      await other.close();
    }
  });
});
