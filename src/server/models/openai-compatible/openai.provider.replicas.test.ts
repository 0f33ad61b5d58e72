import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../../test/helpers/app.js';
import { DEFAULT_CHAT_ANSWER, startOpenAiServer } from '../../../../test/helpers/openai-server.js';
import { run, useOpenAiProviderSuite } from '../../../../test/helpers/openai-provider.js';
import { useOpenAiServer } from '../../../../test/helpers/suite.js';
import { ManualClock } from '../../clock.js';
import { ProviderError } from '../model-errors.js';
import type { Chunk } from '../provider.port.js';
import { REPLICA_SKIP_MS } from './openai-replicas.js';

/**
 * OpenAiCompatibleProvider with `baseUrls` (replicas): two fake servers
 * and a port where nothing listens. Requests go to the replica with the
 * fewest runs in flight; a replica that refuses the connection is left out
 * for 30 s (the injected clock) while the request moves on.
 */
const { upstream: a, logLines, logSince, provider, model, request } = useOpenAiProviderSuite();
const b = useOpenAiServer({ resetEachTest: true });

const late: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(late.splice(0).map((server) => server.close()));
});

/** A base URL on 127.0.0.1 where nothing listens (yet). */
async function closedPort(): Promise<{ port: number; baseUrl: string }> {
  const port = await freePort();
  return { port, baseUrl: `http://127.0.0.1:${port}/v1` };
}

/** Starts a generation and resolves once its first token has arrived; `rest` is the remainder. */
async function startRun(stream: AsyncIterable<Chunk>) {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  expect(first.value).toMatchObject({ type: 'token' });
  return { rest: run({ [Symbol.asyncIterator]: () => iterator }) };
}

function refusals(before: number): unknown[] {
  return logSince(before)
    .filter((line) => String(line.msg).startsWith('model server replica refused the connection'))
    .map((line) => line.url);
}

describe('OpenAiCompatibleProvider: replicas (baseUrls)', () => {
  it('sends a new run to the replica with the fewest runs in flight', async () => {
    // A's first answer stalls after one chunk, so its run stays in flight until aborted.
    a.script([{ type: 'answer', stallAfterChunks: 1 }]);
    const p = provider();
    const m = model({ baseUrl: undefined, baseUrls: [a.baseUrl, b.baseUrl] });
    const stop = new AbortController();
    const stalled = await startRun(p.generate(request({ model: m, signal: stop.signal })));
    expect(a.requests).toHaveLength(1);

    // B's run ends; A still has one in flight, so the next run goes to B again, not round to A.
    expect((await run(p.generate(request({ model: m })))).error).toBeUndefined();
    expect((await run(p.generate(request({ model: m })))).error).toBeUndefined();
    expect([a.requests.length, b.requests.length]).toEqual([1, 2]);

    stop.abort();
    await stalled.rest;
    // Both idle now: A, chosen longest ago, is next.
    expect((await run(p.generate(request({ model: m })))).error).toBeUndefined();
    expect([a.requests.length, b.requests.length]).toEqual([2, 2]);
  });

  it('moves on from a replica that refuses the connection, leaves it out for 30 s, then tries it again', async () => {
    const clock = new ManualClock();
    const p = provider({ clock });
    const down = await closedPort();
    const m = model({ baseUrl: undefined, baseUrls: [down.baseUrl, a.baseUrl] });
    const before = logLines.length;

    const first = await run(p.generate(request({ model: m })));
    // The user sees the answer and nothing of the refused replica.
    expect(first.error).toBeUndefined();
    expect(first.tokens.join('')).toBe(DEFAULT_CHAT_ANSWER);
    expect(a.requests).toHaveLength(1);
    expect(refusals(before)).toEqual([`${down.baseUrl}/chat/completions`]);

    // The replica comes back, but stays left out until 30 s after the refusal.
    const back = await startOpenAiServer({ port: down.port });
    late.push(back);
    clock.advance(REPLICA_SKIP_MS - 1);
    expect((await run(p.generate(request({ model: m })))).error).toBeUndefined();
    expect([back.requests.length, a.requests.length]).toEqual([0, 2]);

    clock.advance(1);
    expect((await run(p.generate(request({ model: m })))).error).toBeUndefined();
    expect([back.requests.length, a.requests.length]).toEqual([1, 2]);
    expect(refusals(before)).toHaveLength(1);
  });

  it('gives the usual error when every replica refuses, without naming them', async () => {
    const one = await closedPort();
    const two = await closedPort();
    const m = model({ baseUrl: undefined, baseUrls: [one.baseUrl, two.baseUrl] });
    const out = await run(provider({ clock: new ManualClock() }).generate(request({ model: m })));
    expect(out.error).toBeInstanceOf(ProviderError);
    expect((out.error as Error).message).toBe('Could not reach the model server for Remote Coder.');
    expect((out.error as Error).message).not.toContain('127.0.0.1');
  });

  it('checks the status of each replica: ready while one serves the model', async () => {
    const down = await closedPort();
    const p = provider({ statusChecks: { recheckMs: 60_000 } });
    const m = model({ baseUrl: undefined, baseUrls: [down.baseUrl, b.baseUrl] });
    p.start([m]);
    await p.checksSettled();
    expect(b.listRequests).toHaveLength(1);
    expect(p.status(m)).toEqual({ status: 'ready' });

    const alone = model({ id: 'alone', baseUrl: undefined, baseUrls: [down.baseUrl] });
    p.start([alone]);
    await p.checksSettled();
    expect(p.status(alone)).toMatchObject({ status: 'unavailable' });
    const unreachable = logLines.filter((line) => line.includes('model server unreachable'));
    expect(unreachable.some((line) => line.includes(down.baseUrl))).toBe(true);
  });
});
