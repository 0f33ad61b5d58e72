import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../clock.js';
import type { Logger } from '../logger.js';
import { startMailOutbox, type OutboxSender } from './mail-outbox.job.js';

const silent = { info: () => undefined, warn: vi.fn(), error: () => undefined } as unknown as Logger;

/** A sender that answers `next` from each pass and counts the passes. */
function fakeSender(next: () => Date | null | Error) {
  const listeners: (() => void)[] = [];
  let passes = 0;
  const sender: OutboxSender = {
    sendDue: async () => {
      passes++;
      const value = next();
      if (value instanceof Error) {
        throw value;
      }
      return value;
    },
    onQueued: (listener) => listeners.push(listener),
  };
  return {
    sender,
    passes: () => passes,
    queue: () => {
      for (const l of listeners) {
        l();
      }
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('mail outbox job', () => {
  it('resumes at start, wakes on enqueue, and waits on the injected clock for the next retry', async () => {
    vi.useFakeTimers();
    const clock = new ManualClock(0);
    let due: Date | null = new Date(5_000);
    const fake = fakeSender(() => due);
    const job = startMailOutbox({ sender: fake.sender, clock, log: silent, maxWaitMs: 60_000 });
    expect(fake.passes()).toBe(1); // at start: mail left by the last run
    await vi.advanceTimersByTimeAsync(4_999);
    expect(fake.passes()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.passes()).toBe(2); // the retry came due
    due = null;
    fake.queue();
    expect(fake.passes()).toBe(3); // a new mail: at once
    await vi.advanceTimersByTimeAsync(59_999);
    expect(fake.passes()).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.passes()).toBe(4); // an empty outbox is looked at again after maxWaitMs
    await job.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    fake.queue();
    expect(fake.passes()).toBe(4); // stopped: no more passes
  });

  it('logs a failed pass and tries again later', async () => {
    vi.useFakeTimers();
    let fail = true;
    const fake = fakeSender(() => (fail ? new Error('store down') : null));
    const job = startMailOutbox({
      sender: fake.sender,
      clock: new ManualClock(0),
      log: silent,
      maxWaitMs: 1_000,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(silent.warn).toHaveBeenCalledTimes(1);
    fail = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.passes()).toBe(2);
    await job.stop();
  });
});
