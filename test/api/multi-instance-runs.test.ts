import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';
import { fixturePrompt } from '../../src/server/store/store-prompts.contract.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useServerProcesses, type ServerProcess } from '../helpers/server-process.js';
import { postForStream, readNumberedSse, readSse, type SseEvent } from '../helpers/sse.js';
import { readSqliteRow } from '../helpers/sqlite-read.js';
import { useOpenAiServer, useTempDir } from '../helpers/suite.js';
import { generateCatalogue } from './support/generate-suite.js';

/**
 * Issue 14, "runs have an owner": real server processes (src/server/main.ts)
 * on one SQLite file, as WEB_CONCURRENCY workers or several servers on one
 * DATA_DIR run. Instance A drives a run (the fake model holds or stalls it);
 * instance B restarts, cancels it, follows it, and outlives A's kill -9.
 */

const ANSWER = 'one two three four five six seven eight nine ten';
const HELD = 3;
const STOPPED = { code: 'cancelled', message: 'The generation was stopped.' };
const GONE = { code: 'interrupted', message: 'The server stopped during this generation.' };

const tokensOf = (events: SseEvent[]) => events.filter((e) => e.event === 'token');
const textOf = (events: SseEvent[]) =>
  tokensOf(events)
    .map((e) => e.data.text as string)
    .join('');

/** A run in progress on one instance, read by its client there. */
interface Run {
  id: string;
  threadId: string;
  /** The text the client saw before the model held or stalled. */
  seen: string;
  /** Every event, once the stream ends (or the connection breaks). */
  events: Promise<SseEvent[]>;
}

/** A promise and the function that settles it. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** The heartbeats of the instance that started last, as the SQLite file holds them (read-only). */
function newestHeartbeat(dataDir: string): number | undefined {
  const at = readSqliteRow(
    path.join(dataDir, 'codegenie.db'),
    'SELECT heartbeat_at FROM instances ORDER BY started_at DESC LIMIT 1',
  )?.heartbeat_at;
  return typeof at === 'number' ? at : undefined;
}

describe('runs across instances on one store', () => {
  const upstream = useOpenAiServer({ resetEachTest: true });
  const dir = useTempDir('codegenie-instances-');
  const servers = useServerProcesses();
  const options = (name: string) => ({
    name,
    dataDir: dir.path,
    catalogue: generateCatalogue(upstream.baseUrl),
    env: {
      // Only the test ends a run: nobody stops it for being detached or silent.
      RUN_DETACHED_GRACE_SECONDS: '600',
      MODEL_IDLE_TIMEOUT_SECONDS: '300',
      INSTANCE_HEARTBEAT_SECONDS: '1',
      INSTANCE_STALE_SECONDS: '3',
    },
  });

  let a: ServerProcess;
  let b: ServerProcess;
  let token: string;
  let userId: string;

  /** Starts a generation on `server` and resolves once its client has seen HELD tokens. */
  async function startRun(server: ServerProcess): Promise<Run> {
    const response = await postForStream(`${server.url}/api/generate`, token, { prompt: 'count' });
    expect(response.status).toBe(200);
    const held = deferred<SseEvent[]>();
    const events = readSse(response, (_e, all) => {
      if (tokensOf(all).length === HELD) {
        held.resolve([...all]);
      }
      return undefined;
    });
    const seen = await Promise.race([
      held.promise,
      events.then((all) => {
        throw new Error(`the stream ended before ${HELD} tokens: ${JSON.stringify(all)}`);
      }),
    ]);
    const start = seen[0]?.data as { id: string; threadId: string };
    // A killed server breaks the connection: the events so far are what the client has.
    return { id: start.id, threadId: start.threadId, seen: textOf(seen), events: events.catch(() => seen) };
  }

  /** startRun with the model holding after HELD tokens until `hold` resolves. */
  async function startHeldRun(
    server: ServerProcess,
  ): Promise<{ run: Run; hold: { resolve: (v: undefined) => void } }> {
    const hold = deferred<undefined>();
    upstream.script([
      { type: 'answer', text: ANSWER, holdAfterChunks: { chunks: HELD, until: hold.promise } },
    ]);
    return { run: await startRun(server), hold };
  }

  /** Resolves once the instance that started last has written two more heartbeats (so it has swept since). */
  async function twoHeartbeats(): Promise<void> {
    const first = newestHeartbeat(dir.path) ?? 0;
    await expect.poll(() => newestHeartbeat(dir.path), { timeout: 10_000 }).toBeGreaterThan(first);
    const second = newestHeartbeat(dir.path) ?? 0;
    await expect.poll(() => newestHeartbeat(dir.path), { timeout: 10_000 }).toBeGreaterThan(second);
  }

  /** The run's turn as `server` answers it. */
  async function turnOn(
    server: ServerProcess,
    run: Pick<Run, 'threadId'>,
  ): Promise<Record<string, unknown> | undefined> {
    const thread = await apiClient(server.url).get(`/api/threads/${run.threadId}`, { token });
    return (thread.body.turns as Record<string, unknown>[] | undefined)?.[0];
  }

  it('starts two instances on one data folder', async () => {
    a = await servers.start(options('instances-a'));
    b = await servers.start(options('instances-b'));
    const session = await registerAndLogin(apiClient(a.url));
    token = session.token;
    userId = String(session.user.id);
    // One sign-in holds on both.
    expect((await apiClient(b.url).get('/api/auth/me', { token })).status).toBe(200);
  }, 60_000);

  it("leaves A's run going while B restarts, and the run finishes normally", async () => {
    const { run, hold } = await startHeldRun(a);

    expect(await b.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    b = await servers.start(options('instances-b-again'));
    // B's start-up has swept. Each heartbeat pass beats, then sweeps; a pass starts once the last has
    // ended, so two beats after start-up mean a periodic sweep has run too.
    expect(await turnOn(b, run)).toMatchObject({ status: 'running' });
    await twoHeartbeats();
    expect(await turnOn(b, run)).toMatchObject({ status: 'running' });

    hold.resolve(undefined);
    const events = await run.events;
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { id: run.id, output: ANSWER } });
    expect(textOf(events)).toBe(ANSWER);
    expect(await turnOn(b, run)).toMatchObject({ status: 'completed', output: ANSWER, error: null });
  }, 60_000);

  // How soon the owner notices (twice a second) is pinned with fake timers in
  // instance-heartbeat.job.test.ts; here the deadline is only a deadline, not a timing claim.
  it("stops A's run when the cancel is sent to B", async () => {
    upstream.script([{ type: 'answer', text: ANSWER, stallAfterChunks: HELD }]);
    const run = await startRun(a);

    const cancel = await apiClient(b.url).post(`/api/generations/${run.id}/cancel`, {}, { token });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({ id: run.id, status: 'cancelling' });
    await expect
      .poll(() => turnOn(b, run), { timeout: 30_000, interval: 100 })
      .toMatchObject({ status: 'cancelled' });

    const events = await run.events;
    expect(events.at(-1)).toEqual({ event: 'error', data: STOPPED });
    expect(await turnOn(a, run)).toMatchObject({ status: 'cancelled', output: run.seen, error: null });
    const request = await upstream.waitForRequest(0);
    await request.ended;
    expect(request.outcome).toBe('client-closed');
    // Finished now: a second cancel at either instance is a conflict.
    expect((await apiClient(b.url).post(`/api/generations/${run.id}/cancel`, {}, { token })).status).toBe(
      409,
    );
  }, 60_000);

  it("shows a client attaching on B what A saved, then the rest and A's end", async () => {
    const { run, hold } = await startHeldRun(a);
    // A saves what it streamed at least once a second.
    await expect.poll(() => turnOn(b, run), { timeout: 5000 }).toMatchObject({ output: run.seen });

    const attached = await fetch(`${b.url}/api/generations/${run.id}/events`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    });
    expect(attached.status).toBe(200);
    const saved = deferred<undefined>();
    const following = readSse(attached, (_e, all) => {
      if (textOf(all) === run.seen) {
        saved.resolve(undefined);
      }
      return undefined;
    });
    await saved.promise;
    hold.resolve(undefined);

    const events = await following;
    expect(events[0]).toMatchObject({ event: 'start', data: { id: run.id, threadId: run.threadId } });
    expect(tokensOf(events)[0]?.data).toEqual({ text: run.seen });
    expect(textOf(events)).toBe(ANSWER);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { id: run.id, output: ANSWER } });
    expect((await run.events).at(-1)).toMatchObject({ event: 'done' });
  }, 60_000);

  it('lets a client that followed the run on B continue at A with Last-Event-ID, without repeats or gaps', async () => {
    const { run, hold } = await startHeldRun(a);
    await expect.poll(() => turnOn(b, run), { timeout: 5000 }).toMatchObject({ output: run.seen });
    const headers = { accept: 'text/event-stream', authorization: `Bearer ${token}` };

    // The client reads what B shows, then its connection breaks; the load balancer sends it to A.
    const leave = new AbortController();
    const onB = await readNumberedSse(
      await fetch(`${b.url}/api/generations/${run.id}/events`, { headers, signal: leave.signal }),
      (_e, all) => textOf(all) === run.seen,
    );
    leave.abort();
    // B numbers the saved text as A numbered the token event that ended it.
    expect(onB.map((e) => [e.id, e.event])).toEqual([
      [1, 'start'],
      [HELD + 1, 'token'],
    ]);
    hold.resolve(undefined);

    const onA = await readNumberedSse(
      await fetch(`${a.url}/api/generations/${run.id}/events`, {
        headers: { ...headers, 'last-event-id': String(onB.at(-1)?.id) },
      }),
    );
    expect(onA[0]).toMatchObject({ id: HELD + 2, event: 'token' });
    expect(run.seen + textOf(onA)).toBe(ANSWER);
    expect(onA.at(-1)).toMatchObject({ event: 'done', data: { output: ANSWER } });
    await run.events;
  }, 60_000);

  it("fails A's run from B once A is killed with SIGKILL, keeping what A saved", async () => {
    upstream.script([{ type: 'answer', text: ANSWER, stallAfterChunks: HELD }]);
    const run = await startRun(a);
    await expect.poll(() => turnOn(b, run), { timeout: 5000 }).toMatchObject({ output: run.seen });

    expect(await a.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await expect
      .poll(() => turnOn(b, run), { timeout: 10_000, interval: 200 })
      .toMatchObject({ status: 'failed', output: run.seen, error: GONE });
    // B itself is untouched and answers a new run.
    upstream.script([{ type: 'answer', text: 'fine' }]);
    const again = await apiClient(b.url).post('/api/generate', { prompt: 'again' }, { token });
    expect(again.status).toBe(200);
    expect(again.body.output).toBe('fine');
  }, 60_000);

  it('fails the runs of an instance on another host once its heartbeat is stale, not while it beats', async () => {
    // An instance B cannot see the process of: only its heartbeat tells whether it lives.
    const store = SqliteStore.open(path.join(dir.path, 'codegenie.db'));
    try {
      const remote = {
        id: 'remote',
        host: 'another-host',
        pid: 1,
        startedAt: new Date(0),
        heartbeatAt: new Date(),
      };
      await store.instances.beat(remote);
      const record = await store.prompts.create(
        fixturePrompt(userId, { createdAt: new Date(), output: 'so far' }),
      );
      expect(await store.instances.claimRun(record.id, remote.id)).toBe(true);

      // While it beats, B's sweeps leave its run alone.
      await store.instances.beat({ ...remote, heartbeatAt: new Date() });
      await twoHeartbeats();
      await store.instances.beat({ ...remote, heartbeatAt: new Date() });
      await twoHeartbeats();
      expect(await store.prompts.findById(record.id)).toMatchObject({ status: 'running' });

      // It stops beating: past INSTANCE_STALE_SECONDS, B fails its run and forgets it.
      await expect
        .poll(() => store.prompts.findById(record.id), { timeout: 10_000, interval: 200 })
        .toMatchObject({ status: 'failed', output: 'so far', error: GONE });
      expect((await store.instances.list()).map((i) => i.id)).not.toContain(remote.id);
    } finally {
      await store.close();
    }
  }, 60_000);
});
