import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pinnedLocalModel, remoteModel } from '../helpers/catalogue.js';
import { startDownloadServer } from '../helpers/download-server.js';
import { apiClient, type Json } from '../helpers/http.js';
import { postForStream, readSse } from '../helpers/sse.js';
import { useOpenAiServer, useSignedInUser, useSuiteFixture, useTestServer } from '../helpers/suite.js';
import { writeTinyGguf } from '../helpers/tiny-gguf.js';
import { MESSAGES } from '../../src/shared/messages.js';

/**
 * GET /api/admin/models, POST /api/admin/models/reload and
 * POST /api/admin/models/:id/pull: admins see each model's server or
 * download URL and its last error in full; users never see an address, in
 * the model list or in a generation's error. A reload puts a new catalogue
 * in use without a restart (a bad file is refused and the old one kept); a
 * pull downloads a local model with live progress.
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-admin-models-'));
const ggufFile = path.join(scratch, 'tiny.gguf');
writeTinyGguf(ggufFile, { seed: 14 });
const bytes = fs.readFileSync(ggufFile);
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

const upstream = useOpenAiServer({ resetEachTest: true });
// Slow enough that progress is reported several times.
const downloads = useSuiteFixture(
  () => startDownloadServer(bytes, { throttle: { chunkBytes: 4096, delayMs: 2 } }),
  (server) => server.close(),
);
// Another file, served slowly: a pull the admin walks away from.
const slowDownloads = useSuiteFixture(
  () => startDownloadServer(bytes, { path: '/later.gguf', throttle: { chunkBytes: 1024, delayMs: 5 } }),
  (server) => server.close(),
);
const catalogue = () => ({
  defaultModel: 'remote-chat',
  models: [
    remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat'),
    pinnedLocalModel('tiny-pull', 'Tiny Pull', downloads.url, bytes, { contextLength: 256 }),
    pinnedLocalModel('tiny-gone', 'Tiny Gone', downloads.url.replace('model.gguf', 'gone.gguf'), bytes),
    pinnedLocalModel('tiny-later', 'Tiny Later', slowDownloads.url, bytes),
  ],
});
const server = useTestServer(() => ({
  name: 'admin-models',
  catalogue: catalogue(),
  env: { MODELS_AUTO_DOWNLOAD: 'false' },
  modelStatusChecks: { recheckMs: 20, maxRecheckMs: 100 },
}));
const api = apiClient(() => server.url);
// The first account registered is the administrator.
const admin = useSignedInUser(api, 'admin');
const user = useSignedInUser(api, 'user');

const upstreamHost = () => `127.0.0.1:${upstream.port}`;
const adminModel = async (id: string): Promise<Json> => {
  const res = await api.get('/api/admin/models', { token: admin.token });
  expect(res.status).toBe(200);
  return (res.body.models as Json[]).find((m: Json) => m.id === id);
};
// MODELS_FILE: the test server writes the catalogue to DATA_DIR/models.json.
const catalogueFile = () => path.join(server.dataDir, 'models.json');
const writeCatalogue = (text: string) => {
  fs.writeFileSync(catalogueFile(), text);
};

describe('admin model endpoints: who may call them', () => {
  it('answers 401 without a session and 403 to a user who is not an admin', async () => {
    expect(admin.user.role).toBe('admin');
    expect(user.user.role).toBe('user');
    const calls = [
      () => api.get('/api/admin/models', { token: user.token }),
      () => api.post('/api/admin/models/reload', undefined, { token: user.token }),
      () => api.post('/api/admin/models/tiny-pull/pull', {}, { token: user.token }),
      () => api.get('/api/admin/usage', { token: user.token }),
    ];
    for (const call of calls) {
      const res = await call();
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await api.get('/api/admin/models')).status).toBe(401);
    expect((await api.post('/api/admin/models/reload', undefined)).status).toBe(401);
  });
});

describe('GET /api/admin/models', () => {
  it('lists every model with its status, server or download URL and local file', async () => {
    const res = await api.get('/api/admin/models', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.catalogueFile).toBe(catalogueFile());
    const [remote, local] = res.body.models as Json[];
    expect(remote).toMatchObject({
      id: 'remote-chat',
      url: upstream.baseUrl,
      host: upstreamHost(),
      file: null,
      lastError: null,
    });
    expect(local).toMatchObject({
      id: 'tiny-pull',
      status: 'unavailable',
      url: downloads.url,
      host: `127.0.0.1:${downloads.port}`,
      file: expect.stringContaining(server.config.models.dir),
    });
  });

  it('a failing model server: the user sees no address anywhere, the admin sees the URL and the error', async () => {
    const leak = `proxy error: upstream http://10.20.30.40:8000/v1 refused (10.20.30.40:8000) for ${upstream.baseUrl}`;
    upstream.script(() => ({ type: 'error', status: 502, message: leak }));
    upstream.scriptModelList(() => ({ type: 'error', status: 503, message: leak }));

    const res = await api.post(
      '/api/generate',
      { prompt: 'Add two numbers', modelId: 'remote-chat' },
      { token: user.token },
    );
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body.error.code).toBe('provider_error');
    for (const address of ['10.20.30.40', upstreamHost(), upstream.baseUrl]) {
      expect(JSON.stringify(res.body)).not.toContain(address);
    }
    // The failure made the server look again at its model list, which fails too.
    await expect
      .poll(async () => ((await api.get('/api/models', { token: user.token })).body as Json[])[0].reason)
      .toBe(MESSAGES.modelServerFailing);
    const listing = JSON.stringify((await api.get('/api/models', { token: user.token })).body);
    expect(listing).not.toContain(upstreamHost());
    expect(listing).not.toContain('10.20.30.40');

    const remote = await adminModel('remote-chat');
    expect(remote).toMatchObject({ status: 'unavailable', url: upstream.baseUrl, host: upstreamHost() });
    expect(remote.lastError.message).toContain(upstreamHost());
    expect(remote.lastError.message).toContain('10.20.30.40:8000');
    expect(Date.parse(remote.lastError.at)).not.toBeNaN();
  });
});

describe('what users see of an error inside a stream', () => {
  it('an upstream error event mid-answer reaches the user without its addresses', async () => {
    const raw = `event: error\ndata: ${JSON.stringify({ error: { message: 'backend http://10.9.8.7:9000/gen died (10.9.8.7:9000)' } })}\n\n`;
    upstream.script([{ type: 'answer', inject: [{ afterChunk: 1, raw }] }]);
    // The server is back (the scripts were reset): its next check finds it.
    await expect.poll(async () => (await adminModel('remote-chat')).status).toBe('ready');
    const events = await readSse(
      await postForStream(`${server.url}/api/generate`, user.token, {
        prompt: 'Add two numbers',
        modelId: 'remote-chat',
      }),
    );
    const failure = events.find((e) => e.event === 'error');
    expect(failure?.data.message).toContain('backend [address hidden] died');
    expect(JSON.stringify(events)).not.toContain('10.9.8.7');
  });
});

describe('POST /api/admin/models/:id/pull', () => {
  it('downloads a local model with progress events, then done; the model is ready for everyone', async () => {
    const res = await postForStream(`${server.url}/api/admin/models/tiny-pull/pull`, admin.token, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[0]?.data).toMatchObject({ phase: 'downloading', totalBytes: bytes.length });
    const received = progress.map((e) => e.data.receivedBytes as number);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(events.at(-1)).toEqual({
      event: 'done',
      data: { modelId: 'tiny-pull', file: expect.any(String), alreadyPresent: false },
    });
    expect(fs.readFileSync(events.at(-1)?.data.file)).toEqual(bytes);
    const models = (await api.get('/api/models', { token: user.token })).body as Json[];
    expect(models.find((m) => m.id === 'tiny-pull')).toMatchObject({ status: 'ready' });

    const again = await readSse(
      await postForStream(`${server.url}/api/admin/models/tiny-pull/pull`, admin.token, {}),
    );
    expect(again.at(-1)?.data).toMatchObject({ alreadyPresent: true });
  });

  it('a failed download: an error event with the host for the admin, a plain reason for users', async () => {
    const events = await readSse(
      await postForStream(`${server.url}/api/admin/models/tiny-gone/pull`, admin.token, {}),
    );
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'model_unavailable' } });
    expect(events.at(-1)?.data.message).toContain(`127.0.0.1:${downloads.port}`);
    expect((await adminModel('tiny-gone')).lastError.message).toContain(`127.0.0.1:${downloads.port}`);
    const listing = ((await api.get('/api/models', { token: user.token })).body as Json[]).find(
      (m) => m.id === 'tiny-gone',
    );
    expect(listing.reason).toContain('404');
    expect(JSON.stringify(listing)).not.toContain(String(downloads.port));
  });

  it('goes on when the admin leaves the stream: the model list shows it through to ready', async () => {
    const controller = new AbortController();
    const res = await postForStream(
      `${server.url}/api/admin/models/tiny-later/pull`,
      admin.token,
      {},
      controller.signal,
    );
    await readSse(res, (e) => e.event === 'progress').catch(() => undefined);
    controller.abort();
    await expect.poll(async () => (await adminModel('tiny-later')).status, { timeout: 20_000 }).toBe('ready');
    expect(slowDownloads.requests.some((r) => r.method === 'GET')).toBe(true);
  });

  it('refuses a remote model (400) and an unknown one (404) before any stream', async () => {
    const remote = await api.post('/api/admin/models/remote-chat/pull', {}, { token: admin.token });
    expect(remote.status).toBe(400);
    expect(remote.body.error.message).toBe(`Remote Chat ${MESSAGES.notLocalModel}`);
    const unknown = await api.post('/api/admin/models/nope/pull', {}, { token: admin.token });
    expect(unknown.status).toBe(404);
  });
});

describe('POST /api/admin/models/reload', () => {
  it('refuses an invalid file with 400 and every problem, keeping the catalogue in use', async () => {
    writeCatalogue(JSON.stringify({ defaultModel: 'missing', models: [{ id: 'x', provider: 'local' }] }));
    const res = await api.post('/api/admin/models/reload', undefined, { token: admin.token });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_catalogue',
      message: MESSAGES.catalogueInvalid,
      details: { file: catalogueFile() },
    });
    expect(res.body.error.details.problems).toEqual(
      expect.arrayContaining([expect.stringContaining('models[0] (id "x")')]),
    );
    const ids = ((await api.get('/api/models', { token: user.token })).body as Json[]).map((m) => m.id);
    expect(ids).toEqual(['remote-chat', 'tiny-pull', 'tiny-gone', 'tiny-later']);
  });

  it('puts a new file in use at once, says what changed, and leaves a run in progress alone', async () => {
    // The answer holds after its first piece until the catalogue has changed under it.
    let release = (): void => undefined;
    const reloaded = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.script([{ type: 'answer', holdAfterChunks: { chunks: 1, until: reloaded } }]);
    await expect.poll(async () => (await adminModel('remote-chat')).status).toBe('ready');
    const stream = await postForStream(`${server.url}/api/generate`, user.token, {
      prompt: 'Add two numbers',
      modelId: 'remote-chat',
    });
    let firstPiece = (): void => undefined;
    const started = new Promise<void>((resolve) => {
      firstPiece = resolve;
    });
    const events = readSse(stream, (e) => {
      if (e.event === 'token') {
        firstPiece();
      }
      return false;
    });
    await started;

    const next = catalogue();
    next.defaultModel = 'remote-new';
    next.models = [remoteModel(upstream.baseUrl, 'remote-new', 'Remote New'), ...next.models.slice(1, 2)];
    writeCatalogue(JSON.stringify(next));
    const res = await api.post('/api/admin/models/reload', undefined, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      added: ['remote-new'],
      removed: ['remote-chat', 'tiny-gone', 'tiny-later'],
      changed: [],
      models: ['remote-new', 'tiny-pull'],
    });
    const ids = ((await api.get('/api/models', { token: user.token })).body as Json[]).map((m) => m.id);
    expect(ids).toEqual(['remote-new', 'tiny-pull']);

    release();
    const finished = await events;
    expect(finished.at(-1)).toMatchObject({ event: 'done' });
    expect(finished.some((e) => e.event === 'error')).toBe(false);

    // Recorded in the admin's activity log.
    const actions = await server.store.activity.listKindsForUser(admin.user.id, ['admin_action'], 10);
    expect(actions.map((a) => a.details.action)).toContain('catalogue_reloaded');
    expect(actions.find((a) => a.details.action === 'catalogue_reloaded')?.details).toMatchObject({
      added: 'remote-new',
    });
  });
});
