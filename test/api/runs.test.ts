import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';
import { startTestServer } from '../helpers/app.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { postForStream, readNumberedSse, type NumberedSseEvent } from '../helpers/sse.js';
import { useOpenAiServer, useSignedInUser, useTempDir, useTestServer } from '../helpers/suite.js';
import { generateCatalogue } from './support/generate-suite.js';

/**
 * Runs that outlive their connection: a client that goes away leaves the run
 * going, attachable at GET /api/generations/:id/events (with Last-Event-ID),
 * until it ends, is stopped, or has had nobody attached for the grace period.
 */

const tokensOf = (events: NumberedSseEvent[]) =>
  events
    .filter((e) => e.event === 'token')
    .map((e) => e.data.text as string)
    .join('');
const tokenCount = (events: NumberedSseEvent[]) => events.filter((e) => e.event === 'token').length;
/** Stops reading once `n` tokens have come. */
const afterTokens = (n: number) => (_: NumberedSseEvent, all: NumberedSseEvent[]) => tokenCount(all) === n;

const ANSWER = 'one two three four five six seven eight nine ten eleven twelve';

/** The app and the fake model server, with `graceSeconds` for detached runs. */
function useRunsSuite(name: string, graceSeconds: number) {
  const upstream = useOpenAiServer({ resetEachTest: true });
  const server = useTestServer(() => ({
    name,
    catalogue: generateCatalogue(upstream.baseUrl),
    env: { RUN_DETACHED_GRACE_SECONDS: String(graceSeconds), GENERATIONS_RUNNING_PER_USER: '5' },
  }));
  const api = apiClient(() => server.url);
  const session = useSignedInUser(api);

  /** Starts a streamed generation; closing `controller` drops the connection. */
  const start = (body: Record<string, unknown>, controller = new AbortController()) =>
    postForStream(`${server.url}/api/generate`, session.token, body, controller.signal);

  /** Starts a streamed generation, reads until `tokens` tokens have come, and drops the connection. */
  const startAndLeave = async (body: Record<string, unknown>, tokens: number) => {
    const controller = new AbortController();
    const events = await readNumberedSse(await start(body, controller), afterTokens(tokens));
    controller.abort();
    return events;
  };

  /** GET /api/generations/:id/events, optionally after event `lastEventId`. */
  const attach = (id: string, lastEventId?: number, token = session.token) =>
    fetch(`${server.url}/api/generations/${id}/events`, {
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
        ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
      },
    });

  return { upstream, server, api, session, start, startAndLeave, attach };
}

describe('attaching to a run', () => {
  // Long enough that only stopOnDisconnect or Stop can end a run here before the test does.
  const { upstream, server, api, session, start, startAndLeave, attach } = useRunsSuite('runs-attach', 600);

  it('a closed connection leaves the run going; attaching shows the earlier tokens and then the rest live', async () => {
    upstream.script([{ type: 'answer', text: ANSWER, delayMs: 120 }]);
    const first = await startAndLeave({ prompt: 'count' }, 2);
    // Every event is numbered in order from 1.
    expect(first.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(first[0]).toMatchObject({ event: 'start', data: { modelId: 'remote-chat' } });
    const id = first[0]?.data.id as string;

    const attached = await readNumberedSse(await attach(id));
    expect(attached.map((e) => e.id)).toEqual(attached.map((_, i) => i + 1));
    expect(attached.slice(0, 3)).toEqual(first);
    expect(attached.at(-1)).toMatchObject({ event: 'done', data: { id, output: ANSWER } });
    expect(tokensOf(attached)).toBe(ANSWER);
    // The model was never interrupted.
    const upstreamRequest = upstream.requests[0];
    await upstreamRequest?.ended;
    expect(upstreamRequest?.outcome).toBe('completed');
    expect(await server.store.prompts.findById(id)).toMatchObject({ status: 'completed', output: ANSWER });
  });

  it('numbers the events of an explain stream too', async () => {
    upstream.script([{ type: 'answer', text: 'It adds two numbers.' }]);
    const res = await postForStream(`${server.url}/api/explain`, session.token, {
      code: 'def add(a, b): return a + b',
    });
    const events = await readNumberedSse(res);
    expect(events.at(-1)?.event).toBe('done');
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });

  it('Last-Event-ID continues after that event without repeats', async () => {
    upstream.script([{ type: 'answer', text: ANSWER, delayMs: 60 }]);
    const first = await startAndLeave({ prompt: 'count' }, 3);
    const id = first[0]?.data.id as string;
    const last = first.at(-1)?.id ?? 0;

    const rest = await readNumberedSse(await attach(id, last));
    expect(rest[0]?.id).toBe(last + 1);
    expect(rest.map((e) => e.event)).not.toContain('start');
    expect(tokensOf(first) + tokensOf(rest)).toBe(ANSWER);
    expect(rest.at(-1)).toMatchObject({ event: 'done', data: { output: ANSWER } });
  });

  it('stopOnDisconnect: true stops the run as soon as the connection closes', async () => {
    upstream.script([{ type: 'answer', text: ANSWER, stallAfterChunks: 2 }]);
    const first = await startAndLeave({ prompt: 'count', stopOnDisconnect: true }, 2);
    const upstreamRequest = upstream.requests[0];
    // The grace period here is 10 minutes: only stopOnDisconnect can end this exchange in the test's time.
    await upstreamRequest?.ended;
    expect(upstreamRequest?.outcome).toBe('client-closed');
    const id = first[0]?.data.id as string;
    await expect.poll(async () => (await server.store.prompts.findById(id))?.status).toBe('cancelled');
  });

  it("another user's run, or an unknown id, is not found", async () => {
    upstream.script([{ type: 'answer', text: ANSWER, stallAfterChunks: 1 }]);
    const controller = new AbortController();
    const first = await readNumberedSse(await start({ prompt: 'count' }, controller), afterTokens(1));
    const id = first[0]?.data.id as string;
    const other = await registerAndLogin(api);
    expect((await attach(id, undefined, other.token)).status).toBe(404);
    expect((await attach('6f1f3f2e-8f55-4a3b-9a55-0c2f2d9b1a10')).status).toBe(404);
    expect((await attach('not-a-uuid')).status).toBe(400);
    const signedOut = await fetch(`${server.url}/api/generations/${id}/events`);
    expect(signedOut.status).toBe(401);
    expect(
      (await api.post(`/api/generations/${id}/cancel`, undefined, { token: session.token })).status,
    ).toBe(202);
    controller.abort();
  });

  it('saves the output written so far while the run streams', async () => {
    upstream.script([{ type: 'answer', text: ANSWER, stallAfterChunks: 3 }]);
    const controller = new AbortController();
    const first = await readNumberedSse(await start({ prompt: 'count' }, controller), afterTokens(3));
    const id = first[0]?.data.id as string;
    // The model stalls mid-answer: the record already holds what was sent, while the run goes on.
    await expect
      .poll(async () => (await api.get(`/api/history/${id}`, { token: session.token })).body, {
        timeout: 3000,
      })
      .toMatchObject({ status: 'running', output: tokensOf(first) });
    expect((await server.store.prompts.findById(id))?.completionTokens).toBe(3);
    await api.post(`/api/generations/${id}/cancel`, undefined, { token: session.token });
    controller.abort();
  });
});

describe('a run nobody attaches to, and a finished run', () => {
  const { upstream, server, start, startAndLeave, attach } = useRunsSuite('runs-grace', 1);

  it('is stopped after the grace period: the upstream request is aborted, the partial answer and its figures kept', async () => {
    upstream.script([{ type: 'answer', text: ANSWER, stallAfterChunks: 2 }]);
    const first = await startAndLeave({ prompt: 'count' }, 2);
    const id = first[0]?.data.id as string;
    const upstreamRequest = upstream.requests[0];
    await upstreamRequest?.ended;
    expect(upstreamRequest?.outcome).toBe('client-closed');
    await expect.poll(async () => (await server.store.prompts.findById(id))?.status).toBe('cancelled');
    // A stopped run keeps its real token count and timings (its speed).
    expect(await server.store.prompts.findById(id)).toMatchObject({
      output: tokensOf(first),
      completionTokens: 2,
      firstTokenMs: expect.any(Number),
      totalMs: expect.any(Number),
    });
  });

  it('a finished run replays in full from its record: start, the whole answer, done', async () => {
    upstream.script([{ type: 'answer', text: ANSWER }]);
    const done = await readNumberedSse(await start({ prompt: 'count' }));
    const id = done[0]?.data.id as string;
    expect(done.at(-1)?.event).toBe('done');
    // For the grace period an ended run still resumes event by event; then its record answers.
    const names = async () => (await readNumberedSse(await attach(id))).map((e) => e.event);
    await expect.poll(names, { timeout: 5000 }).toEqual(['start', 'token', 'done']);

    const replay = await readNumberedSse(await attach(id));
    expect(replay.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(replay[1]?.data.text).toBe(ANSWER);
    expect(replay[2]?.data).toEqual(done.at(-1)?.data);
  });
});

describe('shutting down', () => {
  const upstream = useOpenAiServer({ resetEachTest: true });
  const dir = useTempDir('codegenie-runs-shutdown-');

  it('stops the live runs and records them failed (interrupted) with their output, without waiting for them', async () => {
    const server = await startTestServer({
      name: 'runs-shutdown',
      dataDir: dir.path,
      catalogue: generateCatalogue(upstream.baseUrl),
      env: { RUN_DETACHED_GRACE_SECONDS: '600' },
    });
    const session = await registerAndLogin(apiClient(server.url));
    // The model stalls mid-answer and the client stays attached: only the shutdown can end this run.
    upstream.script([{ type: 'answer', text: ANSWER, stallAfterChunks: 2 }]);
    const res = await postForStream(`${server.url}/api/generate`, session.token, { prompt: 'count' });
    const reading = readNumberedSse(res);
    const upstreamRequest = await upstream.waitForRequest(0);
    await expect.poll(() => upstreamRequest.chunksSent).toBe(2);
    await expect
      .poll(async () => (await server.store.prompts.listForUser(session.user.id, {}, 1)).items[0]?.output)
      .toBe('one two');

    await server.close();

    const events = await reading;
    expect(events.at(-1)).toMatchObject({
      event: 'error',
      data: { code: 'interrupted', message: 'The server stopped during this generation.' },
    });
    await upstreamRequest.ended;
    expect(upstreamRequest.outcome).toBe('client-closed');
    const store = SqliteStore.open(path.join(dir.path, 'codegenie.db'));
    try {
      expect(await store.prompts.findById(events[0]?.data.id as string)).toMatchObject({
        status: 'failed',
        output: tokensOf(events),
        error: { code: 'interrupted' },
      });
    } finally {
      await store.close();
    }
  });
});
