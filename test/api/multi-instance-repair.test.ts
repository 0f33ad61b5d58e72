import { describe, expect, it } from 'vitest';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useServerProcesses, type ServerProcess } from '../helpers/server-process.js';
import { postForStream, readSse, type SseEvent } from '../helpers/sse.js';
import { useOpenAiServer, useTempDir } from '../helpers/suite.js';
import { generateCatalogue } from './support/generate-suite.js';

/**
 * Test and fix across instances (issue 17 with issue 14's "many instances on
 * one store"): real server processes on one SQLite file. Instance A drives
 * a repair run (its tests run in A's JavaScript sandbox, the fake model
 * holds a round when told); the client stops it, or follows it, at B.
 */

const HELD = 3;
const STOPPED = { code: 'cancelled', message: 'The generation was stopped.' };

const fenced = (body: string) => '```javascript\n' + body + '\n```';
/** An answer in the loop's format: the code, then `tests` under `// tests`. */
const answer = (code: string, tests: string) =>
  `Here it is.\n\n${fenced(code)}\n\n${fenced(`// tests\n${tests}`)}`;
const ADD_TEST = 'console.assert(add(2, 3) === 5, "add(2, 3) should be 5");';
const WRONG = answer('function add(a, b) {\n  return a - b;\n}', ADD_TEST);
const RIGHT = answer('function add(a, b) {\n  return a + b;\n}', ADD_TEST);
/** Tests that never end: the round's test run lasts until the runner's time limit, or a Stop. */
const ENDLESS = answer('function add(a, b) {\n  return a + b;\n}', 'while (true) {}');

const withoutTokens = (events: SseEvent[]) => events.filter((e) => e.event !== 'token');
/** The text of round `round`'s tokens. */
const textOfRound = (events: SseEvent[], round: number) => {
  let current = -1;
  let text = '';
  for (const e of events) {
    if (e.event === 'round') {
      current = e.data.round as number;
    } else if (e.event === 'token' && current === round) {
      text += e.data.text as string;
    }
  }
  return text;
};

/** A promise and the function that settles it. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Reads an SSE stream to its end; `reached` resolves once `until` holds for the events so far. */
function readUntil(response: Response, until: (all: SseEvent[]) => boolean) {
  const reached = deferred<SseEvent[]>();
  const events = readSse(response, (_e, all) => {
    if (until(all)) {
      reached.resolve([...all]);
    }
    return undefined;
  });
  const early = events.then((all) => {
    throw new Error(`the stream ended first: ${JSON.stringify(withoutTokens(all))}`);
  });
  return { reached: Promise.race([reached.promise, early]), events };
}

describe('Test and fix across instances on one store', () => {
  const upstream = useOpenAiServer({ resetEachTest: true });
  const dir = useTempDir('codegenie-repair-instances-');
  const servers = useServerProcesses();

  let a: ServerProcess;
  let b: ServerProcess;
  let token: string;

  const body = { prompt: 'Write add(a, b)', language: 'javascript', repair: { rounds: 1 } };
  /** The run's first turn as `server` answers it. */
  const firstTurn = async (server: ServerProcess, threadId: string) => {
    const thread = await apiClient(server.url).get(`/api/threads/${threadId}`, { token });
    return (thread.body.turns as Record<string, unknown>[] | undefined)?.[0];
  };

  it('starts two instances on one store', async () => {
    ({
      servers: [a, b],
    } = await servers.startOnOneStore(dir.path, ['repair-a', 'repair-b'] as const, {
      catalogue: generateCatalogue(upstream.baseUrl),
      env: { RUN_DETACHED_GRACE_SECONDS: '600', MODEL_IDLE_TIMEOUT_SECONDS: '300' },
    }));
    token = (await registerAndLogin(apiClient(a.url))).token;
  }, 60_000);

  // How soon the owner notices is pinned in instance-heartbeat.job.test.ts; the deadlines here are only deadlines.
  it("stops A's loop during a round's test run when the cancel is sent to B", async () => {
    upstream.script([{ type: 'answer', text: ENDLESS }]);
    const response = await postForStream(`${a.url}/api/generate`, token, body);
    expect(response.status).toBe(200);
    const atA = readUntil(response, (all) => textOfRound(all, 0) === ENDLESS);
    const seen = await atA.reached;
    const { id, threadId } = seen[0]?.data as { id: string; threadId: string };
    // The answer is saved and its endless tests are running: the run's first turn stays running meanwhile.
    await expect
      .poll(() => firstTurn(b, threadId), { timeout: 10_000, interval: 100 })
      .toMatchObject({ status: 'running', output: ENDLESS });

    const cancel = await apiClient(b.url).post(`/api/generations/${id}/cancel`, {}, { token });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({ id, status: 'cancelling' });

    const events = await atA.events;
    expect(withoutTokens(events).map((e) => e.event)).toEqual(['start', 'round', 'repaired', 'error']);
    expect(events.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'stopped', fixes: 0 });
    expect(events.at(-1)).toEqual({ event: 'error', data: STOPPED });
    // Stopped in its test run: no fix round was asked for, and the answered turn is kept.
    expect(upstream.requests).toHaveLength(1);
    expect(await firstTurn(b, threadId)).toMatchObject({ status: 'completed', output: ENDLESS });
    expect((await apiClient(b.url).post(`/api/generations/${id}/cancel`, {}, { token })).status).toBe(409);
  }, 60_000);

  it('shows a client attaching at B every round of A\'s loop, then "repaired" and "done"', async () => {
    const hold = deferred<undefined>();
    upstream.script([
      { type: 'answer', text: WRONG },
      { type: 'answer', text: RIGHT, holdAfterChunks: { chunks: HELD, until: hold.promise } },
    ]);
    const response = await postForStream(`${a.url}/api/generate`, token, body);
    expect(response.status).toBe(200);
    // A is answering the fix round, held by the model after HELD tokens.
    const inFixRound = (all: SseEvent[]) =>
      all.some((e) => e.event === 'round' && e.data.round === 1) &&
      all.filter((e) => e.event === 'token').length >= HELD + 1;
    const atA = readUntil(response, inFixRound);
    const { id } = (await atA.reached)[0]?.data as { id: string };

    const attached = await fetch(`${b.url}/api/generations/${id}/events`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    });
    expect(attached.status).toBe(200);
    // B has followed the first round and its run, and has reached the fix round, while A still runs it.
    const atB = readUntil(attached, (all) => all.some((e) => e.event === 'round' && e.data.round === 1));
    await atB.reached;
    hold.resolve(undefined);

    const [own, followed] = await Promise.all([atA.events, atB.events]);
    const names = ['start', 'round', 'run', 'round', 'run', 'repaired', 'done'];
    expect(withoutTokens(followed).map((e) => e.event)).toEqual(names);
    expect(withoutTokens(own).map((e) => e.event)).toEqual(names);
    // The same rounds, runs, outcome and end as A's own client saw.
    expect(withoutTokens(followed).slice(1)).toEqual(withoutTokens(own).slice(1));
    expect([textOfRound(followed, 0), textOfRound(followed, 1)]).toEqual([WRONG, RIGHT]);
    expect(followed.find((e) => e.event === 'repaired')?.data).toEqual({ status: 'passed', fixes: 1 });
    expect(followed.at(-1)).toMatchObject({ event: 'done', data: { output: RIGHT } });
  }, 60_000);
});
