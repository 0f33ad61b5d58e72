import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../clock.js';
import { RateLimitedError } from '../errors.js';
import { MAX_GROUP_RUNS } from '../../shared/generation.schemas.js';
import { useMemoryCounters } from '../../../test/helpers/counters.js';
import { GenerationLimiter, SLOT_LEASE_MS } from './generation-limiter.js';

const counters = useMemoryCounters();

/** The refusal `check` throws, or undefined when the run may start. */
async function refusal(
  limiter: GenerationLimiter,
  userId: string,
  groupId?: string,
): Promise<RateLimitedError | undefined> {
  try {
    await limiter.check(userId, groupId);
    return undefined;
  } catch (error) {
    if (error instanceof RateLimitedError) {
      return error;
    }
    throw error;
  }
}

describe('GenerationLimiter', () => {
  it('lets a user run as many generations at once as runningPerUser, and one more after one ends', async () => {
    const limiter = new GenerationLimiter(
      { perMinute: 100, runningPerUser: 2 },
      new ManualClock(0),
      counters(),
    );
    await limiter.check('u1', undefined);
    await limiter.begin('r1', 'u1', undefined);
    await limiter.check('u1', undefined);
    await limiter.begin('r2', 'u1', undefined);

    const full = await refusal(limiter, 'u1');
    expect(full?.message).toBe('You already have 2 generations running. Wait for one to finish or stop it.');
    expect(full?.retryAfterSeconds).toBe(5);
    // Another user's slots are their own.
    expect(await refusal(limiter, 'u2')).toBeUndefined();

    await limiter.end('r1');
    expect(await refusal(limiter, 'u1')).toBeUndefined();
  });

  it('counts the runs of one Compare group as one slot, up to MAX_GROUP_RUNS of them', async () => {
    const limiter = new GenerationLimiter(
      { perMinute: 100, runningPerUser: 1 },
      new ManualClock(0),
      counters(),
    );
    for (let i = 0; i < MAX_GROUP_RUNS; i++) {
      await limiter.check('u1', 'g1');
      await limiter.begin(`r${i}`, 'u1', 'g1');
    }
    expect((await refusal(limiter, 'u1', 'g1'))?.message).toBe(
      `A comparison runs at most ${MAX_GROUP_RUNS} models at once.`,
    );
    // The group holds the user's only slot: a single run or another group waits.
    expect((await refusal(limiter, 'u1'))?.message).toMatch(/already have 1 generations/);
    expect((await refusal(limiter, 'u1', 'g2'))?.message).toMatch(/already have 1 generations/);

    for (let i = 0; i < MAX_GROUP_RUNS; i++) {
      await limiter.end(`r${i}`);
    }
    expect(await refusal(limiter, 'u1')).toBeUndefined();
  });

  it('refuses starts over perMinute until the oldest leaves the one-minute window', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new GenerationLimiter({ perMinute: 2, runningPerUser: 10 }, clock, counters());
    await limiter.begin('r1', 'u1', undefined);
    clock.advance(20_000);
    await limiter.begin('r2', 'u1', undefined);
    // Finished runs still count against the minute.
    await limiter.end('r1');
    await limiter.end('r2');

    clock.advance(10_000);
    const limited = await refusal(limiter, 'u1');
    expect(limited?.message).toBe('You have reached 2 generations per minute. Please wait a moment.');
    // The first start leaves the window 30 s from now.
    expect(limited?.retryAfterSeconds).toBe(30);
    expect(await refusal(limiter, 'u2')).toBeUndefined();

    clock.advance(29_999);
    expect((await refusal(limiter, 'u1'))?.retryAfterSeconds).toBe(1);
    clock.advance(1);
    expect(await refusal(limiter, 'u1')).toBeUndefined();
  });
  describe('running slots held in the store', () => {
    /** Two instances' limiters (one slot per user) on one store. */
    function twoInstances(clock: ManualClock): [GenerationLimiter, GenerationLimiter] {
      const shared = counters();
      const limits = { perMinute: 100, runningPerUser: 1 };
      return [new GenerationLimiter(limits, clock, shared), new GenerationLimiter(limits, clock, shared)];
    }

    afterEach(() => {
      vi.useRealTimers();
    });

    it('renews the slots of runs still going, so a long run keeps its slot past the lease', async () => {
      vi.useFakeTimers();
      const clock = new ManualClock(0);
      const limiter = new GenerationLimiter({ perMinute: 100, runningPerUser: 1 }, clock, counters());
      await limiter.begin('long', 'u1', undefined);
      // Three leases long: without renewal the slot would have come free after the first.
      for (let t = 0; t < 3 * SLOT_LEASE_MS; t += SLOT_LEASE_MS / 6) {
        clock.advance(SLOT_LEASE_MS / 6);
        await vi.advanceTimersByTimeAsync(SLOT_LEASE_MS / 6);
      }
      expect((await refusal(limiter, 'u1'))?.message).toMatch(/already have 1 generations/);
      await limiter.end('long');
      expect(await refusal(limiter, 'u1')).toBeUndefined();
    });

    it("frees a slot whose process stopped renewing it once the lease ends (another instance's view)", async () => {
      const clock = new ManualClock(0);
      const [dead, alive] = twoInstances(clock);
      await dead.begin('orphan', 'u1', undefined);
      // The run's process is gone (kill -9): nobody renews or releases its slot.
      expect((await refusal(alive, 'u1'))?.message).toMatch(/already have 1 generations/);
      clock.advance(SLOT_LEASE_MS);
      expect(await refusal(alive, 'u1')).toBeUndefined();
    });

    it('begin refuses, taking nothing, when another instance took the last slot after check', async () => {
      const [a, b] = twoInstances(new ManualClock(0));
      await a.check('u1', undefined);
      await b.check('u1', undefined);
      await a.begin('ra', 'u1', undefined);
      await expect(b.begin('rb', 'u1', undefined)).rejects.toThrow(/already have 1 generations/);
      await a.end('ra');
      expect(await refusal(b, 'u1')).toBeUndefined();
    });
  });
});
