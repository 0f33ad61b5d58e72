import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { apiClient, registerAndLogin, type ApiClient } from '../helpers/http.js';
import {
  DEFAULT_CHAT_ANSWER,
  DEFAULT_CODE,
  DEFAULT_COMPLETION_ANSWER,
  startOpenAiServer,
  type OpenAiTestServer,
} from '../helpers/openai-server.js';
import { readSse } from '../helpers/sse.js';
import { MESSAGES } from '../../src/shared/messages.js';

let upstream: OpenAiTestServer;
let server: TestServer;
let api: ApiClient;
let token: string;
let userId: string;

function catalogue(baseUrl: string) {
  return {
    defaultModel: 'remote-chat',
    models: [
      {
        id: 'remote-chat',
        name: 'Remote Chat',
        provider: 'openai-compatible',
        format: 'chat',
        baseUrl,
        model: 'chat-model',
        contextLength: 2048,
      },
      {
        id: 'remote-base',
        name: 'Remote Base',
        provider: 'openai-compatible',
        format: 'completion',
        baseUrl,
        model: 'base-model',
      },
      {
        id: 'needs-key',
        name: 'Needs Key',
        provider: 'openai-compatible',
        format: 'chat',
        baseUrl,
        model: 'chat-model',
        apiKeyEnv: 'CODEGENIE_TEST_UNSET_KEY',
      },
    ],
  };
}

beforeAll(async () => {
  upstream = await startOpenAiServer();
  server = await startTestServer({
    name: 'generate',
    catalogue: catalogue(upstream.baseUrl),
    env: { GENERATIONS_RUNNING_PER_USER: '2', MODEL_FIRST_TOKEN_TIMEOUT_SECONDS: '5' },
  });
  api = apiClient(server.url);
  const session = await registerAndLogin(api);
  token = session.token;
  userId = session.user.id;
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.reset();
});

/** POST with Accept: text/event-stream; returns the raw response. */
function stream(path: string, body: unknown, signal?: AbortSignal, authToken = token) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${authToken}`,
    },
    body: JSON.stringify(body),
    signal,
  });
}

describe('GET /api/models', () => {
  it('lists every catalogue model with its status, for signed-in users only', async () => {
    expect((await api.get('/api/models')).status).toBe(401);
    const res = await api.get('/api/models', { token });
    expect(res.status).toBe(200);
    expect(res.body.map((m: { id: string }) => m.id)).toEqual(['remote-chat', 'remote-base', 'needs-key']);
    expect(res.body[0]).toMatchObject({
      id: 'remote-chat',
      name: 'Remote Chat',
      provider: 'openai-compatible',
      format: 'chat',
      tasks: ['generate', 'explain'],
      status: 'ready',
      isDefault: true,
      contextLength: 2048,
    });
    // A base model continues code: it is listed for Generate only.
    expect(res.body[1]).toMatchObject({ id: 'remote-base', format: 'completion', tasks: ['generate'] });
    expect(res.body[2]).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('CODEGENIE_TEST_UNSET_KEY'),
    });
  });
});

describe('POST /api/generate', () => {
  it('answers one JSON object with the output, the extracted code, usage and timings, and saves it', async () => {
    const res = await api.post('/api/generate', { prompt: 'Add two numbers', language: 'python' }, { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      modelId: 'remote-chat',
      output: DEFAULT_CHAT_ANSWER,
      code: DEFAULT_CODE.trimEnd(),
      language: 'python',
      usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) },
      timings: { firstTokenMs: expect.any(Number), totalMs: expect.any(Number) },
    });
    const sent = upstream.requests[0];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.body.messages?.[0]?.role).toBe('system');
    expect(sent?.body.messages?.[0]?.content).toContain('Python');
    expect(sent?.body.messages?.[1]).toEqual({ role: 'user', content: 'Add two numbers' });

    const record = await server.store.prompts.findById(res.body.id);
    expect(record).toMatchObject({
      userId,
      kind: 'generate',
      modelId: 'remote-chat',
      status: 'completed',
      input: 'Add two numbers',
      output: DEFAULT_CHAT_ANSWER,
      code: DEFAULT_CODE.trimEnd(),
    });
    const activity = await server.store.activity.listForUser(userId, 5);
    expect(activity.some((a) => a.kind === 'generation' && a.details.promptId === res.body.id)).toBe(true);
  });

  it('streams start, token by token, then done; the record is completed before done arrives', async () => {
    const res = await stream('/api/generate', { prompt: 'Add two numbers' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    let completedAtDone: string | undefined;
    const events = await readSse(res, async (e) => {
      if (e.event === 'done') {
        completedAtDone = (await server.store.prompts.findById(e.data.id))?.status;
      }
      return undefined;
    });
    expect(events[0]).toEqual({ event: 'start', data: { id: expect.any(String), modelId: 'remote-chat' } });
    const tokens = events.filter((e) => e.event === 'token');
    expect(tokens.length).toBeGreaterThan(5);
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(tokens.map((t) => t.data.text).join('')).toBe(done?.data.output);
    expect(done?.data.id).toBe(events[0]?.data.id);
    expect(completedAtDone).toBe('completed');
  });

  it('prompts a completion model with a task comment and returns the whole answer as code', async () => {
    const res = await api.post(
      '/api/generate',
      { modelId: 'remote-base', prompt: 'Add two numbers', language: 'python' },
      { token },
    );
    expect(res.status).toBe(200);
    expect(upstream.requests[0]?.path).toBe('/v1/completions');
    expect(upstream.requests[0]?.body.prompt).toContain('# Task:\n# Add two numbers');
    expect(upstream.requests[0]?.body.stop).toContain('\n# Task:');
    expect(res.body.code).toBe(DEFAULT_COMPLETION_ANSWER.trim());
  });

  it('passes the sampling parameters through', async () => {
    await api.post(
      '/api/generate',
      { prompt: 'x', temperature: 1.5, maxTokens: 100, topP: 0.5, stop: ['END'] },
      { token },
    );
    expect(upstream.requests[0]?.body).toMatchObject({
      temperature: 1.5,
      max_tokens: 100,
      top_p: 0.5,
      stop: ['END'],
    });
  });

  it.each([
    ['an unknown model', { prompt: 'x', modelId: 'nope' }, 404, 'model_not_found', undefined],
    ['temperature above 2', { prompt: 'x', temperature: 2.5 }, 400, 'invalid_input', 'temperature'],
    ['temperature below 0', { prompt: 'x', temperature: -1 }, 400, 'invalid_input', 'temperature'],
    ['maxTokens 0', { prompt: 'x', maxTokens: 0 }, 400, 'invalid_input', 'maxTokens'],
    ['maxTokens above the model limit', { prompt: 'x', maxTokens: 2049 }, 400, 'invalid_input', 'maxTokens'],
    ['an empty prompt', { prompt: '   ' }, 400, 'invalid_input', 'prompt'],
    ['an operator object', { prompt: { $gt: '' } }, 400, 'invalid_input', 'prompt'],
    ['an unknown language', { prompt: 'x', language: 'cobol' }, 400, 'invalid_input', 'language'],
    ['a prompt over 32,000 characters', { prompt: 'x'.repeat(32_001) }, 413, 'payload_too_large', 'prompt'],
  ])('refuses %s', async (_label, body, status, code, field) => {
    const res = await api.post('/api/generate', body, { token });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (field) {
      expect(Object.keys(res.body.error.details.fields)).toContain(field);
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it('accepts a prompt of exactly 32,000 characters', async () => {
    expect((await api.post('/api/generate', { prompt: 'y'.repeat(32_000) }, { token })).status).toBe(200);
  });
});

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
        const cancel = await api.post(`/api/generations/${id}/cancel`, undefined, { token });
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
    expect((await api.post(`/api/generations/${id}/cancel`, undefined, { token })).status).toBe(409);
    const other = await registerAndLogin(api);
    expect((await api.post(`/api/generations/${id}/cancel`, undefined, { token: other.token })).status).toBe(
      404,
    );
  });

  it('closing the connection aborts the upstream request within 1 s and saves the partial output as cancelled', async () => {
    upstream.script([
      { type: 'answer', text: 'alpha beta gamma delta epsilon zeta eta theta', delayMs: 200 },
    ]);
    const controller = new AbortController();
    const res = await stream('/api/generate', { prompt: 'slow' }, controller.signal);
    let id = '';
    let closedAt = 0;
    await readSse(res, (e, all) => {
      if (e.event === 'start') {
        id = e.data.id;
      }
      if (all.filter((x) => x.event === 'token').length === 2) {
        closedAt = performance.now();
        controller.abort();
        return true;
      }
      return undefined;
    });
    const upstreamRequest = upstream.requests[0];
    await upstreamRequest?.ended;
    expect(upstreamRequest?.outcome).toBe('client-closed');
    expect((upstreamRequest?.endedAt ?? Infinity) - closedAt).toBeLessThan(1000);
    await expect.poll(async () => (await server.store.prompts.findById(id))?.status).toBe('cancelled');
    expect((await server.store.prompts.findById(id))?.output).toMatch(/^alpha/);
    expect((await api.get('/api/health')).status).toBe(200);
  });
  it('closing the connection of a plain JSON request stops the model too', async () => {
    upstream.script([{ type: 'answer', text: 'one two three four five six seven eight', delayMs: 200 }]);
    const controller = new AbortController();
    const pending = fetch(`${server.url}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ prompt: 'json and slow' }),
      signal: controller.signal,
    }).catch(() => undefined);
    const upstreamRequest = await upstream.waitForRequest(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closedAt = performance.now();
    controller.abort();
    await pending;
    await upstreamRequest.ended;
    expect(upstreamRequest.outcome).toBe('client-closed');
    expect((upstreamRequest.endedAt ?? Infinity) - closedAt).toBeLessThan(1000);
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
    const third = await api.post('/api/generate', { prompt: 'three' }, { token });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    await Promise.all([readSse(ra), readSse(rb)]);
    expect((await api.post('/api/generate', { prompt: 'four' }, { token })).status).toBe(200);
  });

  it('counts the runs of one Compare group once: 5 models at once, not 6', async () => {
    upstream.script(Array.from({ length: 6 }, () => ({ type: 'answer' as const, firstTokenDelayMs: 1500 })));
    const groupId = crypto.randomUUID();
    const started = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((p) => stream('/api/generate', { prompt: p, groupId })),
    );
    expect(started.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await api.post('/api/generate', { prompt: 'f', groupId }, { token });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.message).toContain('at most 5');
    // The group holds one of the 2 slots: one more single run fits, a second does not.
    upstream.script([{ type: 'answer', firstTokenDelayMs: 1500 }]);
    const single = await stream('/api/generate', { prompt: 'single' });
    expect(single.status).toBe(200);
    expect((await api.post('/api/generate', { prompt: 'one too many' }, { token })).status).toBe(429);
    await Promise.all([...started, single].map((r) => readSse(r)));
  });

  it('allows GENERATIONS_PER_MINUTE per user', async () => {
    const limited = await startTestServer({
      name: 'generate-rate',
      catalogue: catalogue(upstream.baseUrl),
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
    const res = await api.post('/api/generate', { prompt: 'x' }, { token });
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
    const res = await api.post('/api/generate', { modelId: 'needs-key', prompt: 'x' }, { token });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.error.message).toMatch(/CODEGENIE_TEST_UNSET_KEY|key/i);
  });
});

describe('POST /api/explain', () => {
  it('streams an overview at the chosen level and links it to a generation', async () => {
    const gen = await api.post('/api/generate', { prompt: 'Add two numbers' }, { token });
    upstream.reset();
    upstream.script([{ type: 'answer', text: 'This function **adds** two numbers.' }]);
    const events = await readSse(
      await stream('/api/explain', { code: DEFAULT_CODE, level: 'beginner', generationId: gen.body.id }),
    );
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(done?.data.output).toBe('This function **adds** two numbers.');
    expect(done?.data.language).toBe('python');
    expect(upstream.requests[0]?.body.messages?.[0]?.content).toContain('beginner');
    const record = await server.store.prompts.findById(done?.data.id);
    expect(record).toMatchObject({
      kind: 'explain',
      generationId: gen.body.id,
      input: DEFAULT_CODE,
      status: 'completed',
    });
  });

  it('returns line-by-line sections covering the code, asking for a JSON schema', async () => {
    const code = 'a = 1\nb = 2\nprint(a + b)\n';
    upstream.script([
      {
        type: 'answer',
        text: JSON.stringify({
          sections: [
            { startLine: 1, endLine: 2, explanation: 'Two variables.' },
            { startLine: 3, endLine: 3, explanation: 'Prints the sum.' },
          ],
        }),
      },
    ]);
    const res = await api.post('/api/explain', { code, format: 'line-by-line', level: 'expert' }, { token });
    expect(res.status).toBe(200);
    expect(res.body.sections).toEqual([
      { startLine: 1, endLine: 2, explanation: 'Two variables.' },
      { startLine: 3, endLine: 4, explanation: 'Prints the sum.' },
    ]);
    expect(upstream.requests[0]?.body.response_format).toMatchObject({ type: 'json_schema' });
  });

  it('refuses a code-completion model with 400 model_cannot_explain, saving nothing; it still generates', async () => {
    const fresh = await registerAndLogin(api);
    for (const accept of ['application/json', 'text/event-stream']) {
      const res = await fetch(`${server.url}/api/explain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${fresh.token}` },
        body: JSON.stringify({ code: DEFAULT_CODE, modelId: 'remote-base' }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('model_cannot_explain');
      expect(body.error.message).toBe(`Remote Base ${MESSAGES.cannotExplain}`);
    }
    expect(upstream.requests).toHaveLength(0);
    expect((await api.get('/api/history', { token: fresh.token })).body.items).toEqual([]);

    const generated = await api.post(
      '/api/generate',
      { modelId: 'remote-base', prompt: 'Add two numbers' },
      { token: fresh.token },
    );
    expect(generated.status).toBe(200);
    expect(generated.body.modelId).toBe('remote-base');
    const history = (await api.get('/api/history', { token: fresh.token })).body.items;
    expect(history).toMatchObject([{ kind: 'generate', modelId: 'remote-base' }]);
  });

  it('refuses another user’s generation id, empty code and code over 32,000 characters', async () => {
    const other = await registerAndLogin(api);
    const theirs = await api.post('/api/generate', { prompt: 'x' }, { token: other.token });
    const res = await api.post('/api/explain', { code: 'x = 1', generationId: theirs.body.id }, { token });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toHaveProperty('generationId');
    expect((await api.post('/api/explain', { code: '  \n ' }, { token })).status).toBe(400);
    expect((await api.post('/api/explain', { code: 'x'.repeat(32_001) }, { token })).status).toBe(413);
    expect((await api.post('/api/explain', { code: 'x', level: 'guru' }, { token })).status).toBe(400);
  });
});
