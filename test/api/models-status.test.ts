import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/app.js';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient } from '../helpers/http.js';
import { useSignedInUser, useSuiteFixture, useTestServer } from '../helpers/suite.js';
import { startOpenAiServer, type OpenAiTestServer } from '../helpers/openai-server.js';
import { MESSAGES } from '../../src/shared/messages.js';

/**
 * Remote models' status in GET /api/models follows their server: checked
 * at start-up without delaying it, and again while it is down, so the list
 * says `unavailable` with a plain reason, then `ready` once it is back.
 */

interface Listing {
  id: string;
  status: string;
  reason?: string;
}

// The model server is down when CodeGenie starts: nothing listens on its port yet.
const down = useSuiteFixture(
  async () => ({ port: await freePort() }),
  () => undefined,
);
let upstream: OpenAiTestServer | undefined;
afterAll(async () => {
  await upstream?.close();
});
const server = useTestServer(() => {
  const baseUrl = `http://127.0.0.1:${down.port}/v1`;
  return {
    name: 'models-status',
    catalogue: {
      defaultModel: 'remote-chat',
      models: [
        remoteModel(baseUrl, 'remote-chat', 'Remote Chat', { model: 'chat-model' }),
        remoteModel(baseUrl, 'retired', 'Retired', { model: 'retired-model' }),
      ],
    },
    // Looks again 20 ms after a failed check, backing off to 100 ms.
    modelStatusChecks: { recheckMs: 20, maxRecheckMs: 100 },
  };
});
const api = apiClient(() => server.url);
const session = useSignedInUser(api);

async function listing(id: string): Promise<Listing | undefined> {
  const res = await api.get('/api/models', { token: session.token });
  expect(res.status).toBe(200);
  return (res.body as Listing[]).find((m) => m.id === id);
}

describe('GET /api/models with a remote model server', () => {
  it('lists its models as unavailable while the server is down, without its address', async () => {
    await expect.poll(async () => (await listing('remote-chat'))?.status).toBe('unavailable');
    const res = await api.get('/api/models', { token: session.token });
    for (const model of res.body as Listing[]) {
      expect(model).toMatchObject({ status: 'unavailable', reason: MESSAGES.modelServerUnreachable });
      expect(model.reason).not.toContain('127.0.0.1');
      expect(model.reason).not.toContain(String(down.port));
    }
    expect(JSON.stringify(res.body)).not.toContain(`127.0.0.1:${down.port}`);
  });

  it('refuses a generation with 503 and the same plain reason, saving nothing', async () => {
    const res = await api.post(
      '/api/generate',
      { prompt: 'Add two numbers', modelId: 'remote-chat' },
      { token: session.token },
    );
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      code: 'model_unavailable',
      message: MESSAGES.modelServerUnreachable,
    });
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
    expect(JSON.stringify(res.body)).not.toContain(String(down.port));
    expect((await api.get('/api/history', { token: session.token })).body.items).toEqual([]);
  });

  it('tells administrators the URL and the cause in the log, once, while it keeps checking', async () => {
    const log = (): string => fs.readFileSync(server.logFile, 'utf8');
    // Several checks have found it down by now ...
    await expect
      .poll(() => log().split('model server check: no change').length - 1)
      .toBeGreaterThanOrEqual(2);
    // ... and the warning with the details was written once.
    const warnings = log()
      .split('\n')
      .filter((line) => line.includes('model server unreachable; its models are unavailable'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`"url":"http://127.0.0.1:${down.port}/v1"`);
    expect(warnings[0]).toContain('ECONNREFUSED');
  });

  it('shows the models ready once the server is back (and one it does not serve, unavailable)', async () => {
    upstream = await startOpenAiServer({ port: down.port, models: ['chat-model'] });
    await expect.poll(async () => (await listing('remote-chat'))?.status).toBe('ready');
    expect(await listing('retired')).toMatchObject({
      status: 'unavailable',
      reason: 'The model server does not serve retired-model.',
    });
    const res = await api.post(
      '/api/generate',
      { prompt: 'Add two numbers', modelId: 'remote-chat' },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
  });
});
