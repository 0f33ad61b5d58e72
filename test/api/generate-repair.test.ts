import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/app.js';
import { apiClient, registerAndLogin, type ApiClient } from '../helpers/http.js';
import type { RecordedRequest } from '../helpers/openai-server.js';
import { postForStream, readSse, type SseEvent } from '../helpers/sse.js';
import { generateCatalogue, useGenerateSuite } from './support/generate-suite.js';

/**
 * Test and fix over HTTP (issue 17): POST /api/generate with `repair`, the
 * model on the fake OpenAI-compatible server, the tests run in the real
 * JavaScript sandbox (a node child under the permission model).
 */
const { upstream, server, api, session, stream } = useGenerateSuite('generate-repair');

const fenced = (body: string) => '```javascript\n' + body + '\n```';
/** An answer in the loop's format: the code, then the tests under `// tests`. */
const answer = (code: string) =>
  `Here it is.\n\n${fenced(code)}\n\n${fenced('// tests\nconsole.assert(add(2, 3) === 5, "add(2, 3) should be 5");')}`;
const WRONG = answer('function add(a, b) {\n  return a - b;\n}');
const RIGHT = answer('function add(a, b) {\n  return a + b;\n}');

/** The last user message the model was sent. */
const lastUserMessage = (request: RecordedRequest) =>
  request.body.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? '';

/** A fix request after the failing test (the format instruction's own example names add(2, 3) too). */
const isFixRequest = (message: string) =>
  message.includes('Fix the code') && message.includes('Assertion failed: add(2, 3) should be 5');

/** Wrong code first; the right code once the model is shown its failing test. */
const fixesAfterFailure = (request: RecordedRequest) => ({
  type: 'answer' as const,
  text: isFixRequest(lastUserMessage(request)) ? RIGHT : WRONG,
});

const names = (events: SseEvent[]) => events.filter((e) => e.event !== 'token').map((e) => e.event);

/** A server of its own with `env`, one account on it, and ways to post to it and attach to its runs. */
async function withServer(
  env: Record<string, string>,
  use: (
    post: (body: unknown) => ReturnType<ApiClient['post']>,
    postStream: (body: unknown) => Promise<Response>,
    attach: (id: string) => Promise<Response>,
  ) => Promise<void>,
): Promise<void> {
  const own = await startTestServer({
    name: 'generate-repair-own',
    catalogue: generateCatalogue(upstream.baseUrl),
    env,
  });
  try {
    const ownApi = apiClient(own.url);
    const { token } = await registerAndLogin(ownApi);
    await use(
      (body) => ownApi.post('/api/generate', body, { token }),
      (body) => postForStream(`${own.url}/api/generate`, token, body),
      (id) =>
        fetch(`${own.url}/api/generations/${id}/events`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
        }),
    );
  } finally {
    await own.close();
  }
}

/** withServer with GENERATIONS_PER_MINUTE `perMinute`. */
const withPerMinute = (perMinute: number, use: Parameters<typeof withServer>[1]) =>
  withServer({ GENERATIONS_PER_MINUTE: String(perMinute) }, use);

describe('POST /api/generate with repair', () => {
  it('runs the tests, sends the failure back, and passes after one fix, every round a turn of the thread', async () => {
    upstream.script(fixesAfterFailure);
    const res = await stream('/api/generate', {
      prompt: 'Write add(a, b) in JavaScript',
      language: 'javascript',
      repair: { rounds: 2 },
    });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(names(events)).toEqual(['start', 'round', 'run', 'round', 'run', 'repaired', 'done']);
    const start = events[0]?.data as { id: string; threadId: string };
    const rounds = events.filter((e) => e.event === 'round').map((e) => e.data);
    expect(rounds[0]).toEqual({ round: 0, id: start.id, parentId: null });
    expect(rounds[1]).toMatchObject({ round: 1, parentId: start.id });
    const runs = events.filter((e) => e.event === 'run').map((e) => e.data);
    expect(runs[0]).toMatchObject({
      round: 0,
      status: 'failed',
      message: 'Error: Assertion failed: add(2, 3) should be 5',
    });
    expect(runs[1]).toMatchObject({ round: 1, status: 'passed' });
    expect(events.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'passed', fixes: 1 });
    const done = events.at(-1)?.data as { id: string; code: string; output: string };
    expect(done.id).toBe(rounds[1].id);
    expect(done.output).toBe(RIGHT);
    expect(done.code).toContain('return a + b');
    // Each round's tokens are streamed as `token` events, one round after the other.
    expect(
      events
        .filter((e) => e.event === 'token')
        .map((e) => e.data.text)
        .join(''),
    ).toBe(WRONG + RIGHT);

    // The model saw the format instruction first, then the failing run and the request to fix it.
    expect(upstream.requests).toHaveLength(2);
    expect(lastUserMessage(upstream.requests[0] as RecordedRequest)).toContain('// tests');
    const fix = lastUserMessage(upstream.requests[1] as RecordedRequest);
    expect(fix).toContain('Error: Error: Assertion failed: add(2, 3) should be 5');
    expect(fix).toContain('Fix the code');

    // The thread holds both rounds: the request and the wrong answer with its failing run, then the fix request and the right answer.
    const thread = await api.get(`/api/threads/${start.threadId}`, { token: session.token });
    expect(thread.status).toBe(200);
    const turns = (thread.body as { turns: Record<string, unknown>[] }).turns;
    expect(turns).toHaveLength(2);
    expect(turns[0]).toMatchObject({
      id: start.id,
      prompt: 'Write add(a, b) in JavaScript',
      output: WRONG,
      status: 'completed',
      testRun: { status: 'failed', message: 'Error: Assertion failed: add(2, 3) should be 5' },
    });
    expect(turns[1]).toMatchObject({
      id: rounds[1].id,
      parentId: start.id,
      prompt: fix,
      output: RIGHT,
      status: 'completed',
      testRun: { status: 'passed' },
    });
  });

  it('counts each round as a generation: with 2 a minute, a repair of two rounds leaves none', async () => {
    upstream.script(fixesAfterFailure);
    await withPerMinute(2, async (post, postStream) => {
      const res = await postStream({ prompt: 'add', language: 'javascript', repair: { rounds: 1 } });
      const events = await readSse(res);
      expect(names(events)).toEqual(['start', 'round', 'run', 'round', 'run', 'repaired', 'done']);
      expect(events.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'passed', fixes: 1 });
      expect((await post({ prompt: 'again' })).status).toBe(429);
    });
  });

  it('ends the loop with "limited" when a limit refuses a later round', async () => {
    upstream.script(fixesAfterFailure);
    await withPerMinute(1, async (_post, postStream) => {
      const res = await postStream({ prompt: 'add', language: 'javascript', repair: { rounds: 3 } });
      const events = await readSse(res);
      expect(names(events)).toEqual(['start', 'round', 'run', 'repaired', 'done']);
      expect(events.find((e) => e.event === 'repaired')?.data).toMatchObject({
        status: 'limited',
        fixes: 0,
        message: expect.stringMatching(/generations/i),
      });
      // The answer that was written stays the run's result.
      expect(events.at(-1)?.data).toMatchObject({ id: events[0]?.data.id, output: WRONG });
      expect(upstream.requests).toHaveLength(1);
    });
  });

  it('stops after N rounds when the code never passes, with the last failure', async () => {
    upstream.script(() => ({ type: 'answer', text: WRONG }));
    const res = await stream('/api/generate', {
      prompt: 'add',
      language: 'typescript',
      repair: { rounds: 2 },
    });
    const events = await readSse(res);
    expect(names(events)).toEqual([
      'start',
      'round',
      'run',
      'round',
      'run',
      'round',
      'run',
      'repaired',
      'done',
    ]);
    expect(events.find((e) => e.event === 'repaired')?.data).toMatchObject({
      status: 'failed',
      fixes: 2,
      lastRun: { status: 'failed', message: 'Error: Assertion failed: add(2, 3) should be 5' },
    });
    expect(upstream.requests).toHaveLength(3);
  });

  it('Stop during a later round ends the loop at once: stopped, then the cancelled error', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream.script((request) =>
      lastUserMessage(request).includes('Fix the code')
        ? { type: 'answer', text: RIGHT, holdAfterChunks: { chunks: 1, until: held } }
        : { type: 'answer', text: WRONG },
    );
    const res = await stream('/api/generate', {
      prompt: 'add',
      language: 'javascript',
      repair: { rounds: 3 },
    });
    let id = '';
    let stopped = false;
    const events = await readSse(res, async (e, all) => {
      if (e.event === 'start') {
        id = e.data.id;
      }
      const inSecondRound = all.some((x) => x.event === 'round' && x.data.round === 1);
      if (!stopped && inSecondRound && e.event === 'token') {
        stopped = true;
        // Stop names the run (its first turn), whichever round is being answered.
        const cancel = await api.post(`/api/generations/${id}/cancel`, undefined, { token: session.token });
        expect(cancel.status).toBe(202);
      }
      return undefined;
    });
    release();
    expect(names(events)).toEqual(['start', 'round', 'run', 'round', 'repaired', 'error']);
    expect(events.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'stopped', fixes: 1 });
    expect(events.at(-1)?.data).toMatchObject({ code: 'cancelled' });
    const second = events.filter((e) => e.event === 'round')[1]?.data as { id: string };
    await expect.poll(async () => (await server.store.prompts.findById(second.id))?.status).toBe('cancelled');
    expect(upstream.requests).toHaveLength(2);
  });

  it('replays a finished run from its records, every round, once the live run is gone', async () => {
    upstream.script(fixesAfterFailure);
    await withServer({ RUN_DETACHED_GRACE_SECONDS: '1' }, async (_post, postStream, attach) => {
      const live = await readSse(
        await postStream({ prompt: 'add', language: 'javascript', repair: { rounds: 2 } }),
      );
      const id = live[0]?.data.id as string;
      // For the grace period the live run answers event by event; then the records, one token a round.
      const replayed = async () => readSse(await attach(id));
      await expect.poll(async () => (await replayed()).filter((e) => e.event === 'token').length).toBe(2);
      const replay = await replayed();
      expect(names(replay)).toEqual(names(live));
      const notTokens = (events: SseEvent[]) =>
        events.filter((e) => e.event !== 'token' && e.event !== 'start');
      expect(notTokens(replay)).toEqual(notTokens(live));
      expect(replay.filter((e) => e.event === 'token').map((e) => e.data.text)).toEqual([WRONG, RIGHT]);
    });
  });

  it('answers a plain JSON request with the last answer', async () => {
    upstream.script(fixesAfterFailure);
    const res = await api.post(
      '/api/generate',
      { prompt: 'add', language: 'javascript', repair: { rounds: 2 } },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ output: RIGHT, parentId: expect.any(String) });
    expect(upstream.requests).toHaveLength(2);
  });

  it('runs Python tests with Pyodide, started on the first Python run', async () => {
    const python = (body: string) => '```python\n' + body + '\n```';
    upstream.script([
      {
        type: 'answer',
        text: `${python('def add(a, b):\n    return a + b')}\n\n${python('# tests\nassert add(2, 3) == 5\nprint("checked")')}`,
      },
    ]);
    const res = await stream('/api/generate', { prompt: 'add', language: 'python', repair: { rounds: 1 } });
    const events = await readSse(res);
    expect(names(events)).toEqual(['start', 'round', 'run', 'repaired', 'done']);
    expect(events.find((e) => e.event === 'run')?.data).toMatchObject({
      round: 0,
      status: 'passed',
      output: 'checked\n',
    });
    expect(events.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'passed', fixes: 0 });
  });

  it('refuses repair for a language the server cannot run, and rounds out of range (400)', async () => {
    const post = (body: unknown) => api.post('/api/generate', body, { token: session.token });
    for (const language of ['go', 'any']) {
      const res = await post({ prompt: 'add', language, repair: { rounds: 2 } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('Test and fix works for Python, JavaScript and TypeScript');
      expect(Object.keys(res.body.error.details.fields)).toEqual(['language']);
    }
    for (const rounds of [0, 6, 1.5, 'two']) {
      const res = await post({ prompt: 'add', language: 'python', repair: { rounds } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields).toEqual({
        'repair.rounds': 'Rounds must be a whole number from 1 to 5.',
      });
    }
    expect(
      (await post({ prompt: 'add', language: 'python', repair: { rounds: 2, extra: true } })).status,
    ).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses repair for a code-completion model before anything runs (400), with the reason', async () => {
    const history = () => api.get('/api/history', { token: session.token });
    const before = (await history()).body;
    const body = { prompt: 'add', language: 'python', modelId: 'remote-base', repair: { rounds: 2 } };
    const res = await api.post('/api/generate', body, { token: session.token });
    expect(res.status).toBe(400);
    const reason =
      'Remote Base is a code-completion model: Test and fix sends a failing run back to it as a follow-up, which it cannot take. Pick a chat model.';
    expect(res.body.error).toMatchObject({
      code: 'invalid_input',
      message: reason,
      details: { fields: { repair: reason } },
    });
    // Refused up front: the model was never asked and nothing was saved (before, round 1 failed with an error).
    expect(upstream.requests).toHaveLength(0);
    expect((await history()).body).toEqual(before);
  });
});
