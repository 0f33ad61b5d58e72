import { describe, expect, it } from 'vitest';
import { AppError, HashingBusyError } from '../errors.js';
import { HashLimiter } from './hash-limiter.js';

/** A unit of work the test finishes by hand: no timing involved. */
function controllable<T>() {
  let finish: (value: T) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  let started = false;
  const done = new Promise<T>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    work: () => {
      started = true;
      return done;
    },
    get started() {
      return started;
    },
    finish: (value: T) => {
      finish(value);
    },
    fail: (error: Error) => {
      fail(error);
    },
  };
}

/** Lets every settled promise run its continuations. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}

describe('HashLimiter', () => {
  it('runs at most `concurrency` at once and starts the waiting ones in arrival order', async () => {
    const limiter = new HashLimiter({ concurrency: 2, queueMax: 10 });
    const jobs = [0, 1, 2, 3].map(() => controllable<string>());
    const results = jobs.map((job) => limiter.run(job.work));
    await settle();
    expect(jobs.map((j) => j.started)).toEqual([true, true, false, false]);
    expect(limiter.load).toEqual({ active: 2, queued: 2 });

    jobs[1]?.finish('b');
    await expect(results[1]).resolves.toBe('b');
    await settle();
    expect(jobs.map((j) => j.started)).toEqual([true, true, true, false]);
    expect(limiter.load).toEqual({ active: 2, queued: 1 });

    jobs[0]?.finish('a');
    jobs[2]?.finish('c');
    await settle();
    expect(jobs[3]?.started).toBe(true);
    jobs[3]?.finish('d');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(limiter.load).toEqual({ active: 0, queued: 0 });
  });

  it('refuses at once with 503 busy and Retry-After when `queueMax` are already waiting', async () => {
    const limiter = new HashLimiter({ concurrency: 1, queueMax: 1 }, 2);
    const running = controllable<number>();
    const waiting = controllable<number>();
    const first = limiter.run(running.work);
    const second = limiter.run(waiting.work);
    const refused = controllable<number>();

    const error = await limiter.run(refused.work).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HashingBusyError);
    expect(error).toBeInstanceOf(AppError);
    expect((error as HashingBusyError).code).toBe('busy');
    expect((error as HashingBusyError).retryAfterSeconds).toBe(2);
    expect(refused.started).toBe(false);
    // The refusal took nothing: the queue is as it was.
    expect(limiter.load).toEqual({ active: 1, queued: 1 });

    running.finish(1);
    waiting.finish(2);
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
    // Room again once the queue has drained.
    const later = controllable<number>();
    const third = limiter.run(later.work);
    later.finish(3);
    await expect(third).resolves.toBe(3);
  });

  it('frees the slot when the work fails, so the next one runs', async () => {
    const limiter = new HashLimiter({ concurrency: 1, queueMax: 0 });
    const failing = controllable<number>();
    const first = limiter.run(failing.work);
    await expect(limiter.run(() => Promise.resolve(0))).rejects.toBeInstanceOf(HashingBusyError);
    failing.fail(new Error('argon2 failed'));
    await expect(first).rejects.toThrow('argon2 failed');
    expect(limiter.load.active).toBe(0);
    await expect(limiter.run(() => Promise.resolve(7))).resolves.toBe(7);
  });

  it('frees the slot when the work throws before returning a promise', async () => {
    const limiter = new HashLimiter({ concurrency: 1, queueMax: 0 });
    await expect(
      limiter.run(() => {
        throw new Error('bad input');
      }),
    ).rejects.toThrow('bad input');
    await expect(limiter.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});
