import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock.js';
import { REPLICA_SKIP_MS } from '../../src/server/models/openai-compatible/openai-replicas.js';
import { freePort } from '../helpers/app.js';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient } from '../helpers/http.js';
import { DEFAULT_CHAT_ANSWER } from '../helpers/openai-server.js';
import { postForStream, readSse } from '../helpers/sse.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { useOpenAiServer, useSignedInUser, useSuiteFixture, useTestServer } from '../helpers/suite.js';

/**
 * A model served by replicas (`baseUrls`): two fake OpenAI-compatible
 * servers and a port where nothing listens. Users get their answers
 * without a word about the refused replica, which is left out for 30 s
 * (the app's injected clock); a model whose replicas are all down answers
 * the usual error.
 */

const a = useOpenAiServer({ resetEachTest: true });
const b = useOpenAiServer({ resetEachTest: true });
const down = useSuiteFixture(
  async () => {
    const [one, two] = [await freePort(), await freePort()];
    return { first: `http://127.0.0.1:${one}/v1`, second: `http://127.0.0.1:${two}/v1` };
  },
  () => undefined,
);
const clock = new ManualClock();
const server = useTestServer(() => ({
  name: 'model-replicas',
  clock,
  catalogue: {
    defaultModel: 'replicated',
    models: [
      {
        ...remoteModel('', 'replicated', 'Replicated'),
        baseUrl: undefined,
        baseUrls: [down.first, a.baseUrl, b.baseUrl],
      },
      { ...remoteModel('', 'all-down', 'All Down'), baseUrl: undefined, baseUrls: [down.first, down.second] },
    ],
  },
}));
const api = apiClient(() => server.url);
const session = useSignedInUser(api);

function generate(modelId = 'replicated') {
  return api.post(
    '/api/generate',
    { prompt: 'Add two numbers', language: 'python', modelId },
    { token: session.token },
  );
}

/** Log lines saying the app left a replica out after it refused a connection. */
function refusalsLogged(): string[] {
  return fs
    .readFileSync(server.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('replica refused the connection'));
}

describe('a model with several replicas (baseUrls)', () => {
  it('answers from the replicas that take connections, spreading the runs, and says nothing of the one that refuses', async () => {
    for (let i = 0; i < 4; i += 1) {
      const res = await generate();
      expect(res.status).toBe(200);
      expect(res.body.output).toBe(DEFAULT_CHAT_ANSWER);
    }
    // Idle replicas take turns: both served.
    expect([a.requests.length, b.requests.length]).toEqual([2, 2]);
    // The refused one was tried once, then left out.
    expect(refusalsLogged()).toHaveLength(1);
    expect(refusalsLogged()[0]).toContain(down.first);
  });

  it('tries the refusing replica again 30 s later', async () => {
    clock.advance(REPLICA_SKIP_MS);
    const res = await generate();
    expect(res.status).toBe(200);
    expect(refusalsLogged()).toHaveLength(2);
  });

  it('sends a new run to the replica with the fewest runs in flight', async () => {
    // The first request either server gets stalls after one token, so that run stays in flight.
    let stalled = false;
    const script = () => {
      if (stalled) {
        return undefined;
      }
      stalled = true;
      return { type: 'answer' as const, stallAfterChunks: 1 };
    };
    a.script(script);
    b.script(script);
    const stop = new AbortController();
    const open = await postForStream(
      `${server.url}/api/generate`,
      session.token,
      { prompt: 'Add two numbers', language: 'python', modelId: 'replicated' },
      stop.signal,
    );
    await readSse(open, (e) => e.event === 'token');
    const [busy, idle] = a.requests.length === 1 ? [a, b] : [b, a];
    // Equally busy replicas would take turns; the idle one takes both while the other is busy.
    expect((await generate()).status).toBe(200);
    expect((await generate()).status).toBe(200);
    expect([busy.requests.length, idle.requests.length]).toEqual([1, 2]);
    stop.abort();
  });

  it('checks each replica: the model is ready while one serves it, unavailable when none does', async () => {
    const listing = async () =>
      ((await api.get('/api/models', { token: session.token })).body as { id: string; status: string }[]).map(
        (m) => [m.id, m.status],
      );
    await expect.poll(listing).toEqual([
      ['replicated', 'ready'],
      ['all-down', 'unavailable'],
    ]);
    const log = fs.readFileSync(server.logFile, 'utf8').split('\n');
    const checked = (url: string, msg: string) =>
      log.some((line) => line.includes(url) && line.includes(msg));
    expect(checked(a.baseUrl, 'model server reachable')).toBe(true);
    expect(checked(b.baseUrl, 'model server reachable')).toBe(true);
    expect(checked(down.first, 'model server unreachable')).toBe(true);
    expect(checked(down.second, 'model server unreachable')).toBe(true);
  });

  it('answers the usual error, without a host, when every replica is down', async () => {
    const res = await generate('all-down');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      code: 'model_unavailable',
      message: MESSAGES.modelServerUnreachable,
    });
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
  });
});
