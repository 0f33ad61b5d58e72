import { describe, expect, it } from 'vitest';
import { runningOutcome, type PromptRecord } from '../store/store.port.js';
import type { GenerationEvent } from '../../shared/generation.schemas.js';
import { replayEvents } from './run-replay.js';
import { LiveRun, RunRegistry, type NumberedEvent, type RunReader, type RunTimers } from './run-registry.js';

/** Timers that fire only when the test moves time. */
class ManualTimers implements RunTimers {
  private now = 0;
  private nextHandle = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.now + ms, callback });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [handle, timer] of [...this.pending]) {
      if (timer.at <= this.now) {
        this.pending.delete(handle);
        timer.callback();
      }
    }
  }
  get count(): number {
    return this.pending.size;
  }
}

const token = (text: string): GenerationEvent => ({ event: 'token', data: { text } });
const start: GenerationEvent = {
  event: 'start',
  data: { id: 'run-1', modelId: 'chat-a', threadId: 'run-1', parentId: null },
};
const failed: GenerationEvent = {
  event: 'error',
  data: { code: 'cancelled', message: 'The generation was stopped.' },
};

/** Reads `count` events from a reader (or all until it ends when count is omitted). */
async function take(reader: RunReader, count = Infinity): Promise<NumberedEvent[]> {
  const got: NumberedEvent[] = [];
  if (count === 0) {
    return got;
  }
  for await (const e of reader) {
    got.push(e);
    if (got.length >= count) {
      break;
    }
  }
  return got;
}

function newRun(timers = new ManualTimers(), graceMs = 60_000) {
  let abandoned = 0;
  const run = new LiveRun('run-1', 'user-1', graceMs, () => (abandoned += 1), timers);
  return { run, timers, abandoned: () => abandoned };
}

describe('LiveRun', () => {
  it('gives a reader what was written so far, numbered from 1, then the rest as it comes, until the end', async () => {
    const { run } = newRun();
    run.push(start);
    run.push(token('def '));
    const reading = take(run.read(0));
    run.push(token('add'));
    run.push(failed);
    run.push(token('ignored after the end'));
    expect(await reading).toEqual([
      { id: 1, event: start },
      { id: 2, event: token('def ') },
      { id: 3, event: token('add') },
      { id: 4, event: failed },
    ]);
    expect(run.finished).toBe(true);
    expect(run.attached).toBe(0);
  });

  it('continues after a given event without repeating it', async () => {
    const { run } = newRun();
    [start, token('a'), token('b'), token('c')].forEach((e) => {
      run.push(e);
    });
    run.end();
    expect((await take(run.read(2))).map((e) => e.id)).toEqual([3, 4]);
    expect(await take(run.read(99))).toEqual([]);
  });

  it('is abandoned after the grace period with nobody attached, and not while someone reads', async () => {
    const { run, timers, abandoned } = newRun(new ManualTimers(), 1000);
    run.push(start);
    const reader = run.read(0);
    const firstEvent = take(reader, 1);
    timers.advance(5000);
    expect(abandoned()).toBe(0);
    expect((await firstEvent).map((e) => e.id)).toEqual([1]);
    // `take` stopped iterating: the reader left.
    expect(run.attached).toBe(0);

    timers.advance(999);
    expect(abandoned()).toBe(0);
    // A refresh: attaching again within the grace period keeps the run.
    const again = run.read(1);
    timers.advance(5000);
    expect(abandoned()).toBe(0);
    again.close();
    timers.advance(1000);
    expect(abandoned()).toBe(1);
  });

  it('lets a reader waiting for the next event leave at once (a stalled model must not hold it)', async () => {
    const { run, timers, abandoned } = newRun(new ManualTimers(), 1000);
    run.push(start);
    const reader = run.read(1);
    const waiting = take(reader);
    await Promise.resolve();
    reader.close();
    expect(await waiting).toEqual([]);
    timers.advance(1000);
    expect(abandoned()).toBe(1);
  });

  it('is never abandoned once it has ended', () => {
    const { run, timers, abandoned } = newRun(new ManualTimers(), 1000);
    run.push(start);
    run.push(failed);
    timers.advance(10_000);
    expect(abandoned()).toBe(0);
    expect(timers.count).toBe(0);
  });

  it('is abandoned when the one who started it never attaches', () => {
    const { timers, abandoned } = newRun(new ManualTimers(), 1000);
    timers.advance(1000);
    expect(abandoned()).toBe(1);
  });
});

describe('RunRegistry', () => {
  it("finds a user's own live run only, keeps an ended one for the grace period, then forgets it", async () => {
    const timers = new ManualTimers();
    const registry = new RunRegistry(1000, timers);
    const run = registry.add('run-1', 'user-1', () => undefined);
    run.push(start);
    expect(registry.find('user-1', 'run-1')).toBe(run);
    expect(registry.find('user-2', 'run-1')).toBeUndefined();
    expect(registry.find('user-1', 'run-2')).toBeUndefined();

    run.push(token('x'));
    registry.retire('run-1');
    expect(run.finished).toBe(true);
    // A client that lost its connection just before the end still resumes exactly.
    expect((await take(registry.find('user-1', 'run-1')?.read(1) ?? run.read(99))).map((e) => e.id)).toEqual([
      2,
    ]);
    timers.advance(1000);
    expect(registry.find('user-1', 'run-1')).toBeUndefined();
  });

  it('clear() ends every run and drops its timers', () => {
    const timers = new ManualTimers();
    const registry = new RunRegistry(1000, timers);
    const run = registry.add('run-1', 'user-1', () => undefined);
    registry.retire('run-1');
    registry.add('run-2', 'user-1', () => undefined);
    registry.clear();
    expect(run.finished).toBe(true);
    expect(registry.find('user-1', 'run-2')).toBeUndefined();
    expect(timers.count).toBe(0);
  });
});

describe('replayEvents', () => {
  const record = (overrides: Partial<PromptRecord>): PromptRecord => ({
    id: 'run-1',
    userId: 'user-1',
    threadId: 'run-1',
    parentId: null,
    kind: 'generate',
    modelId: 'chat-a',
    params: {},
    input: 'add',
    generationId: null,
    createdAt: new Date(0),
    ...runningOutcome('python'),
    ...overrides,
  });

  it('replays a completed run as start, the whole answer and done', () => {
    const done = record({
      status: 'completed',
      output: 'def add(a, b): return a + b',
      code: 'def add(a, b): return a + b',
      promptTokens: 5,
      completionTokens: 12,
      firstTokenMs: 40,
      totalMs: 300,
      finishedAt: new Date(1),
    });
    expect(replayEvents(done)).toEqual([
      {
        id: 1,
        event: {
          event: 'start',
          data: { id: 'run-1', modelId: 'chat-a', threadId: 'run-1', parentId: null },
        },
      },
      { id: 2, event: token('def add(a, b): return a + b') },
      {
        id: 3,
        event: {
          event: 'done',
          data: {
            id: 'run-1',
            threadId: 'run-1',
            parentId: null,
            modelId: 'chat-a',
            output: 'def add(a, b): return a + b',
            code: 'def add(a, b): return a + b',
            language: 'python',
            usage: { promptTokens: 5, completionTokens: 12 },
            timings: { firstTokenMs: 40, totalMs: 300 },
          },
        },
      },
    ]);
  });

  it('replays a stopped run as cancelled and a failed one with its error', () => {
    expect(replayEvents(record({ status: 'cancelled', output: 'def' })).map((e) => e.event)).toEqual([
      { event: 'start', data: { id: 'run-1', modelId: 'chat-a', threadId: 'run-1', parentId: null } },
      token('def'),
      failed,
    ]);
    const error = { code: 'interrupted', message: 'The server stopped during this generation.' };
    expect(replayEvents(record({ status: 'failed', error })).map((e) => e.event.event)).toEqual([
      'start',
      'error',
    ]);
    expect(replayEvents(record({ status: 'failed', error })).at(-1)?.event.data).toEqual(error);
  });
});
