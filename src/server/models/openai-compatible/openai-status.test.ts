import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MESSAGES } from '../../../shared/messages.js';
import type { OpenAiModelEntry } from '../catalogue.js';
import { listedIds, serves, type CheckTarget, type ServerFinding } from './openai-status-check.js';
import { RemoteStatusTracker } from './openai-status.js';

/**
 * When checks run (the HTTP side is tested against a real server in
 * openai.provider.status.test.ts): fake timers drive the schedule, and a
 * scripted check stands in for the network.
 */

const OPTIONS = { recheckMs: 1_000, maxRecheckMs: 4_000 };

const logLines: string[] = [];
const log = Fastify({
  logger: { level: 'debug', stream: { write: (line: string) => logLines.push(line) } },
}).log;

function model(overrides: Partial<OpenAiModelEntry> = {}): OpenAiModelEntry {
  return {
    id: 'remote',
    name: 'Remote',
    provider: 'openai-compatible',
    format: 'chat',
    baseUrl: 'http://user:pw@10.0.0.7:8000/v1',
    model: 'coder',
    ...overrides,
  };
}

const REACHABLE: ServerFinding = { kind: 'reachable', served: new Set(['coder']), status: 200 };
const DOWN: ServerFinding = { kind: 'unreachable', error: 'ECONNREFUSED' };

/** A check that answers from `findings` in order (the last one repeats), recording each call. */
function scriptedCheck(findings: ServerFinding[]) {
  const calls: { at: number; target: CheckTarget; signal: AbortSignal }[] = [];
  const check = (target: CheckTarget, signal: AbortSignal): Promise<ServerFinding> => {
    calls.push({ at: Date.now(), target, signal });
    const finding = findings.length > 1 ? findings.shift() : findings[0];
    return Promise.resolve(finding ?? DOWN);
  };
  return { calls, check };
}

let tracker: RemoteStatusTracker | undefined;
function track(check: ReturnType<typeof scriptedCheck>['check'], env: Record<string, string> = {}) {
  tracker = new RemoteStatusTracker(
    check,
    (m) => (m.apiKeyEnv === undefined ? undefined : env[m.apiKeyEnv]),
    OPTIONS,
    log,
  );
  return tracker;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  logLines.length = 0;
});
afterEach(() => {
  tracker?.close();
  tracker = undefined;
  vi.useRealTimers();
});

describe('RemoteStatusTracker: when it checks', () => {
  it('checks each server once at start, shared by its models, and not again while all is well', async () => {
    const { calls, check } = scriptedCheck([REACHABLE]);
    const t = track(check);
    const other = model({ id: 'other', model: 'coder' });
    t.watch([model(), other, model({ id: 'far', baseUrl: 'http://10.0.0.8/v1' })]);
    await t.settled();
    expect(calls.map((c) => c.target.baseUrl)).toEqual([
      'http://user:pw@10.0.0.7:8000/v1',
      'http://10.0.0.8/v1',
    ]);
    expect(t.statusOf(model())).toEqual({ status: 'ready' });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(calls).toHaveLength(2);
  });

  it('has no verdict before the first check answers', () => {
    const t = track(() => new Promise<ServerFinding>(() => undefined));
    t.watch([model()]);
    expect(t.statusOf(model())).toBeUndefined();
  });

  it('looks again while a server is unavailable, backing off from recheckMs up to maxRecheckMs, until it is back', async () => {
    const { calls, check } = scriptedCheck([DOWN, DOWN, DOWN, DOWN, DOWN, REACHABLE]);
    const t = track(check);
    t.watch([model()]);
    await t.settled();
    expect(t.statusOf(model())).toEqual({ status: 'unavailable', reason: MESSAGES.modelServerUnreachable });
    await vi.advanceTimersByTimeAsync(20_000);
    // 1 s, then 2 s, 4 s, and 4 s again (the cap).
    expect(calls.map((c) => c.at - (calls[0]?.at ?? 0))).toEqual([0, 1_000, 3_000, 7_000, 11_000, 15_000]);
    expect(t.statusOf(model())).toEqual({ status: 'ready' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('checks again at once when asked after a failure, but at most once per recheckMs', async () => {
    const { calls, check } = scriptedCheck([REACHABLE, DOWN]);
    const t = track(check);
    t.watch([model()]);
    await t.settled();
    await vi.advanceTimersByTimeAsync(1_500);
    t.recheck(model());
    t.recheck(model());
    await t.settled();
    expect(calls).toHaveLength(2);
    expect(t.statusOf(model())?.status).toBe('unavailable');

    // Asked again 100 ms later: waits until 1 s after the last check started.
    await vi.advanceTimersByTimeAsync(100);
    t.recheck(model());
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(899);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
  });

  it('a failure reported during a long backoff brings the next check forward', async () => {
    const { calls, check } = scriptedCheck([DOWN]);
    const t = track(check);
    t.watch([model()]);
    await vi.advanceTimersByTimeAsync(3_500);
    // Checks ran at 0, 1 s and 3 s; the next one is due at 7 s.
    expect(calls).toHaveLength(3);
    t.recheck(model());
    await vi.advanceTimersByTimeAsync(500);
    expect(calls.map((c) => c.at - (calls[0]?.at ?? 0))).toEqual([0, 1_000, 3_000, 4_000]);
  });

  it('does not check models whose API key is missing (they are unavailable for that already)', async () => {
    const { calls, check } = scriptedCheck([REACHABLE]);
    const t = track(check, { GOOD_KEY: 'k-123' });
    t.watch([
      model({ apiKeyEnv: 'MISSING_KEY' }),
      model({ id: 'keyed', baseUrl: 'http://b/v1', apiKeyEnv: 'GOOD_KEY' }),
    ]);
    await t.settled();
    expect(calls.map((c) => c.target)).toEqual([{ baseUrl: 'http://b/v1', apiKey: 'k-123' }]);
    expect(t.statusOf(model({ apiKeyEnv: 'MISSING_KEY' }))).toBeUndefined();
  });

  it('after a catalogue reload, checks no more a server no model uses, nor for a model no longer listed', async () => {
    const { calls, check } = scriptedCheck([REACHABLE]);
    const t = track(check);
    const gone = model({ id: 'gone', model: 'old-coder' });
    const far = model({ id: 'far', baseUrl: 'http://10.0.0.8/v1', model: 'far-coder' });
    t.watch([model(), gone, far]);
    await t.settled();
    // Neither lists the model expected of it (old-coder, far-coder): both are looked at again and again.
    expect(vi.getTimerCount()).toBe(2);

    t.retain([model()]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    // One more check of the first server finds all it now expects; the second is never asked again.
    expect(calls.map((c) => c.target.baseUrl)).toEqual([
      'http://user:pw@10.0.0.7:8000/v1',
      'http://10.0.0.8/v1',
      'http://user:pw@10.0.0.7:8000/v1',
    ]);
    expect(vi.getTimerCount()).toBe(0);
    expect(t.statusOf(model())).toEqual({ status: 'ready' });
  });

  it('close() stops the timers and aborts a check under way', async () => {
    const { calls, check } = scriptedCheck([DOWN]);
    const t = track(check);
    t.watch([model()]);
    await t.settled();
    expect(vi.getTimerCount()).toBe(1);
    t.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(calls[0]?.signal.aborted).toBe(true);
    t.recheck(model());
    await vi.advanceTimersByTimeAsync(OPTIONS.maxRecheckMs * 2);
    expect(calls).toHaveLength(1);
  });
});

describe('RemoteStatusTracker: what it says', () => {
  it('gives users a plain reason for each finding, never the URL', async () => {
    const findings: [ServerFinding, string][] = [
      [DOWN, MESSAGES.modelServerUnreachable],
      [{ kind: 'refused-key', status: 401, error: 'Invalid credentials' }, MESSAGES.modelServerRefusedKey],
      [{ kind: 'failing', status: 502, error: 'Bad gateway' }, MESSAGES.modelServerFailing],
      [
        { kind: 'reachable', served: new Set(['other']), status: 200 },
        'The model server does not serve coder.',
      ],
    ];
    for (const [finding, reason] of findings) {
      const t = track(scriptedCheck([finding]).check);
      t.watch([model()]);
      await t.settled();
      expect(t.statusOf(model())).toEqual({ status: 'unavailable', reason });
      expect(reason).not.toMatch(/10\.0\.0\.7|8000|http/);
      t.close();
    }
  });

  it('treats a server without a readable list as serving every model', async () => {
    const t = track(scriptedCheck([{ kind: 'reachable', served: null, status: 404 }]).check);
    t.watch([model()]);
    await t.settled();
    expect(t.statusOf(model())).toEqual({ status: 'ready' });
  });

  it('logs the URL (without credentials) and the error once per change of state', async () => {
    const t = track(scriptedCheck([DOWN, DOWN, DOWN, REACHABLE]).check);
    t.watch([model()]);
    await t.settled();
    await vi.advanceTimersByTimeAsync(7_000);
    await t.settled();
    const lines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const unreachable = lines.filter((l) => l.msg === 'model server unreachable; its models are unavailable');
    expect(unreachable).toEqual([
      expect.objectContaining({
        level: 40,
        url: 'http://10.0.0.7:8000/v1',
        error: 'ECONNREFUSED',
        nextCheckMs: 1_000,
      }),
    ]);
    expect(lines.filter((l) => l.msg === 'model server check: no change')).toHaveLength(2);
    expect(lines.filter((l) => l.msg === 'model server reachable again; its models are ready')).toHaveLength(
      1,
    );
    expect(logLines.join('')).not.toContain('pw@');
  });

  it('logs which catalogue models the server does not list', async () => {
    const t = track(scriptedCheck([{ kind: 'reachable', served: new Set(['coder']), status: 200 }]).check);
    t.watch([model(), model({ id: 'gone', model: 'gone-model' })]);
    await t.settled();
    const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 40);
    expect(line).toMatchObject({ missing: ['gone-model'], listed: ['coder'] });
    expect(t.statusOf(model())).toEqual({ status: 'ready' });
    expect(t.statusOf(model({ id: 'gone', model: 'gone-model' }))?.status).toBe('unavailable');
  });
});

describe('reading a model list', () => {
  it('takes the ids of an OpenAI list, and nothing else as a list', () => {
    expect(listedIds('{"object":"list","data":[{"id":"a"},{"id":"b","owned_by":"x"}]}')).toEqual(
      new Set(['a', 'b']),
    );
    expect(listedIds('{"data":[]}')).toEqual(new Set());
    for (const notAList of [
      '<html>',
      '{"models":[{"name":"a"}]}',
      '{"data":[{"name":"a"}]}',
      '[]',
      '',
      undefined,
    ]) {
      expect(listedIds(notAList)).toBeNull();
    }
  });

  it('matches model names as servers spell them', () => {
    const listed = new Set(['Qwen/Qwen2.5-Coder-32B-Instruct', 'qwen2.5-coder:latest', 'phi3:mini']);
    expect(serves(listed, 'Qwen/Qwen2.5-Coder-32B-Instruct')).toBe(true);
    expect(serves(listed, 'qwen/qwen2.5-coder-32b-instruct')).toBe(true);
    // Hugging Face's router: a provider suffix on a listed model.
    expect(serves(listed, 'Qwen/Qwen2.5-Coder-32B-Instruct:fastest')).toBe(true);
    // Ollama: `name` is `name:latest`.
    expect(serves(listed, 'qwen2.5-coder')).toBe(true);
    expect(serves(listed, 'phi3:mini')).toBe(true);
    expect(serves(listed, 'phi3')).toBe(false);
    expect(serves(listed, 'qwen2.5-coder:7b')).toBe(false);
    expect(serves(listed, 'deepseek-coder')).toBe(false);
  });
});
