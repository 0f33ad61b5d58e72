import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDownloadServer } from '../helpers/download-server.js';
import { apiClient, type Json } from '../helpers/http.js';
import { useSignedInUser, useSuiteFixture, useTestServer } from '../helpers/suite.js';
import { writeTinyGguf } from '../helpers/tiny-gguf.js';

/**
 * A server whose download host is down (the download server stopped, its
 * port refusing connections): a model an earlier version downloaded is
 * adopted and ready, the missing one says what to do, in GET /api/models
 * and when a generation asks for it, and the log tells the administrator.
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-model-files-'));
const dataDir = path.join(scratch, 'data');
const sourceFile = path.join(scratch, 'tiny.gguf');
writeTinyGguf(sourceFile, { seed: 21 });
const bytes = fs.readFileSync(sourceFile);
const sha256 = createHash('sha256').update(bytes).digest('hex');

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});
/** The download host, stopped: its port refuses connections. */
const downloads = useSuiteFixture(
  async () => {
    const started = await startDownloadServer(bytes, { path: '/files/tiny.gguf' });
    await started.close();
    return { port: started.port, base: started.url.replace('/files/tiny.gguf', '') };
  },
  () => undefined,
);
const server = useTestServer(() => {
  const base = downloads.base;
  // An earlier version downloaded this one under its plain name.
  fs.mkdirSync(path.join(dataDir, 'models'), { recursive: true });
  fs.copyFileSync(sourceFile, path.join(dataDir, 'models', 'kept.gguf'));
  const pinned = { format: 'completion', provider: 'local', sha256, size: bytes.length, contextLength: 256 };
  return {
    name: 'local-model-files',
    dataDir,
    catalogue: {
      defaultModel: 'tiny-offline',
      models: [
        { id: 'tiny-offline', name: 'Tiny Offline', source: `${base}/files/tiny.gguf`, ...pinned },
        { id: 'tiny-kept', name: 'Tiny Kept', source: `${base}/files/kept.gguf`, ...pinned },
      ],
    },
  };
});
const api = apiClient(() => server.url);
const session = useSignedInUser(api);

const listing = async (id: string): Promise<Json> =>
  ((await api.get('/api/models', { token: session.token })).body as Json[]).find((m: Json) => m.id === id);

const ADVICE =
  "Check this server's internet access, run `npm run models -- pull tiny-offline` on a machine that can " +
  "and copy the file into this server's MODELS_DIR, or point MODELS_FILE at a model server.";

describe('local model files on a server that cannot reach its download host', () => {
  it('lists the missing model as not downloaded, with what to do and no internal URL', async () => {
    await expect
      .poll(async () => (await listing('tiny-offline')).reason, { timeout: 10_000 })
      .toBe(`Cannot reach its download server to download Tiny Offline. ${ADVICE}`);
    const offline = await listing('tiny-offline');
    expect(offline).toMatchObject({ status: 'not-downloaded', downloadSize: bytes.length });
    expect(JSON.stringify(offline)).not.toContain(`127.0.0.1:${downloads.port}`);
  });

  it('adopts the file an earlier version downloaded: ready, under its pinned name, nothing downloaded', async () => {
    await expect.poll(async () => (await listing('tiny-kept')).status, { timeout: 10_000 }).toBe('ready');
    expect(fs.readdirSync(server.config.models.dir).sort()).toEqual([
      `kept-${sha256.slice(0, 12)}.gguf`,
      `kept-${sha256.slice(0, 12)}.gguf.verified.json`,
    ]);
    const res = await api.post(
      '/api/generate',
      { modelId: 'tiny-kept', prompt: 'hi', maxTokens: 4 },
      { token: session.token },
    );
    expect(res.status).toBe(200);
  });

  it('answers a generation with the missing model 503, in the same words, and keeps saying it', async () => {
    const res = await api.post(
      '/api/generate',
      { modelId: 'tiny-offline', prompt: 'hi' },
      { token: session.token },
    );
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      code: 'model_unavailable',
      message: `Download of Tiny Offline failed: cannot reach its download server. ${ADVICE}`,
    });
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
    expect(await listing('tiny-offline')).toMatchObject({
      status: 'not-downloaded',
      reason: res.body.error.message,
    });
  });

  it('logs which models are present and which are missing, and why the missing cannot be downloaded', () => {
    const log = fs.readFileSync(server.logFile, 'utf8');
    expect(log).toContain(
      'local models: 1 present (tiny-kept; checking their files), 1 missing (tiny-offline; downloaded on first use)',
    );
    expect(log).toContain(
      `cannot reach 127.0.0.1:${downloads.port} (ECONNREFUSED): tiny-offline cannot be downloaded`,
    );
    expect(log).toContain('local model files checked: 1 match their pinned SHA-256');
  });
});
