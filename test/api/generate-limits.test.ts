import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/app.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { readSse } from '../helpers/sse.js';
import { generateCatalogue, useGenerateSuite } from './support/generate-suite.js';

/** Stopping a generation, the per-user limits, and what a failing model server leaves behind. */
const { upstream, server, api, session, stream } = useGenerateSuite('generate-limits');

describe('stopping a generation', () => {
  it('the cancel endpoint stops it: the stream ends with a cancelled error, the partial output is saved', async () => {
    upstream.script([
      { type: 'answer', text: 'one two three four five six seven eight nine ten', delayMs: 150 },
    ]);
    const res = await stream('/api/generate', { prompt: 'slow please' });
    let id = '';
    const events = await readSse(res, async (e, all) => {
      if (e.event === 'start') {
        id = e.data.id;
      }
      if (e.event === 'token' && all.filter((x) => x.event === 'token').length === 2) {
        const cancel = await api.post(`/api/generations/${id}/cancel`, undefined, { token: session.token });
        expect(cancel.status).toBe(202);
      }
      return undefined;
    });
    expect(events.at(-1)).toEqual({
      event: 'error',
      data: { code: 'cancelled', message: 'The generation was stopped.' },
    });
    const upstreamRequest = upstream.requests[0];
    await upstreamRequest?.ended;
    expect(upstreamRequest?.outcome).toBe('client-closed');
    const record = await server.store.prompts.findById(id);
    expect(record?.status).toBe('cancelled');
    expect(record?.output.length).toBeGreaterThan(0);
    expect(record?.output).toBe(
      events
        .filter((e) => e.event === 'token')
        .map((e) => e.data.text)
        .join(''),
    );
    // Finished now: cancelling again is a conflict, another user's is not found.
    expect(
      (await api.post(`/api/generations/${id}/cancel`, undefined, { token: session.token })).status,
    ).toBe(409);
    const other = await registerAndLogin(api);
    expect((await api.post(`/api/generations/${id}/cancel`, undefined, { token: other.token })).status).toBe(
      404,
    );
  });

  // The model server stalls after two words and would hold the connection open for
  // ever: the upstream exchange ends only because closing the client's connection
  // aborts it (no clock involved; a missed abort fails on the test timeout).
  it('closing the connection aborts the upstream request and saves the partial output as cancelled', async () => {
    upstream.script([
      { type: 'answer', text: 'alpha beta gamma delta epsilon zeta eta theta', stallAfterChunks: 2 },
    ]);
    const controller = new AbortController();
    const res = await stream('/api/generate', { prompt: 'slow' }, controller.signal);
    let id = '';
    await readSse(res, (e, all) => {
      if (e.event === 'start') {
        id = e.data.id;
      }
      if (all.filter((x) => x.event === 'token').length === 2) {
        controller.abort();
        return true;
      }
      return undefined;
    });
    const upstreamRequest = upstream.requests[0];
    await upstreamRequest?.ended;
    expect(upstreamRequest?.outcome).toBe('client-closed');
    expect(upstreamRequest?.chunksSent).toBe(2);
    await expect.poll(async () => (await server.store.prompts.findById(id))?.status).toBe('cancelled');
    expect((await server.store.prompts.findById(id))?.output).toMatch(/^alpha/);
    expect((await api.get('/api/health')).status).toBe(200);
  });
  it('closing the connection of a plain JSON request stops the model too', async () => {
    upstream.script([
      { type: 'answer', text: 'one two three four five six seven eight', stallAfterChunks: 2 },
    ]);
    const controller = new AbortController();
    const pending = fetch(`${server.url}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ prompt: 'json and slow' }),
      signal: controller.signal,
    }).catch(() => undefined);
    const upstreamRequest = await upstream.waitForRequest(0);
    // Mid-answer: the model has sent what it will send and holds the connection open.
    await expect.poll(() => upstreamRequest.chunksSent).toBe(2);
    controller.abort();
    await pending;
    await upstreamRequest.ended;
    expect(upstreamRequest.outcome).toBe('client-closed');
  });
});

describe('limits', () => {
  it('allows 2 running generations per user; a third gets 429 with Retry-After', async () => {
    upstream.script([
      { type: 'answer', firstTokenDelayMs: 1500 },
      { type: 'answer', firstTokenDelayMs: 1500 },
    ]);
    const a = stream('/api/generate', { prompt: 'one' });
    const b = stream('/api/generate', { prompt: 'two' });
    const [ra, rb] = await Promise.all([a, b]);
    const third = await api.post('/api/generate', { prompt: 'three' }, { token: session.token });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    await Promise.all([readSse(ra), readSse(rb)]);
    expect((await api.post('/api/generate', { prompt: 'four' }, { token: session.token })).status).toBe(200);
  });

  it('counts the runs of one Compare group once: 5 models at once, not 6', async () => {
    upstream.script(Array.from({ length: 6 }, () => ({ type: 'answer' as const, firstTokenDelayMs: 1500 })));
    const groupId = crypto.randomUUID();
    const started = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((p) => stream('/api/generate', { prompt: p, groupId })),
    );
    expect(started.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await api.post('/api/generate', { prompt: 'f', groupId }, { token: session.token });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.message).toContain('at most 5');
    // The group holds one of the 2 slots: one more single run fits, a second does not.
    upstream.script([{ type: 'answer', firstTokenDelayMs: 1500 }]);
    const single = await stream('/api/generate', { prompt: 'single' });
    expect(single.status).toBe(200);
    expect(
      (await api.post('/api/generate', { prompt: 'one too many' }, { token: session.token })).status,
    ).toBe(429);
    await Promise.all([...started, single].map((r) => readSse(r)));
  });

  it('allows GENERATIONS_PER_MINUTE per user', async () => {
    const limited = await startTestServer({
      name: 'generate-rate',
      catalogue: generateCatalogue(upstream.baseUrl),
      env: { GENERATIONS_PER_MINUTE: '3' },
    });
    try {
      const lapi = apiClient(limited.url);
      const { token: t } = await registerAndLogin(lapi);
      for (let i = 0; i < 3; i++) {
        expect((await lapi.post('/api/generate', { prompt: `p${i}` }, { token: t })).status).toBe(200);
      }
      const over = await lapi.post('/api/generate', { prompt: 'p4' }, { token: t });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('upstream failures', () => {
  it('a rejected key is 502 with a clear message, saved as failed; the server stays healthy', async () => {
    upstream.script([{ type: 'error', status: 401, message: 'Invalid token' }]);
    const res = await api.post('/api/generate', { prompt: 'x' }, { token: session.token });
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({
      code: 'provider_auth',
      message: 'The model provider rejected the API key for Remote Chat.',
    });

    upstream.script([{ type: 'error', status: 401 }]);
    const events = await readSse(await stream('/api/generate', { prompt: 'x' }));
    expect(events.map((e) => e.event)).toEqual(['start', 'error']);
    expect(events[1]?.data.code).toBe('provider_auth');
    const record = await server.store.prompts.findById(events[0]?.data.id);
    expect(record).toMatchObject({ status: 'failed', error: { code: 'provider_auth' } });
    expect((await api.get('/api/health')).status).toBe(200);
  });

  it('a connection dropped mid-answer keeps the partial output as failed', async () => {
    upstream.script([{ type: 'answer', text: 'a b c d e f g h', dropAfterChunks: 3 }]);
    const events = await readSse(await stream('/api/generate', { prompt: 'x' }));
    expect(events.at(-1)?.event).toBe('error');
    const record = await server.store.prompts.findById(events[0]?.data.id);
    expect(record?.status).toBe('failed');
    expect(record?.output).toBe('a b c');
  });

  it('a model whose key is not set answers a clear error', async () => {
    const res = await api.post(
      '/api/generate',
      { modelId: 'needs-key', prompt: 'x' },
      { token: session.token },
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.error.message).toMatch(/CODEGENIE_TEST_UNSET_KEY|key/i);
  });
});
