import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { useMemoryCounters } from '../../../test/helpers/counters.js';
import { accountKey, LoginThrottle } from './login-throttle.js';

const MINUTE = 60_000;
const LIMITS = { maxPerAccount: 5, maxPerIp: 20, windowMs: 15 * MINUTE, maxPerAccountPerHour: 100 };
const ALICE = accountKey({ id: 'u-alice' }, 'alice');

const counters = useMemoryCounters();

async function failTimes(throttle: LoginThrottle, n: number, account: string, ip: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    await throttle.recordFailure(account, ip);
  }
}

describe('accountKey', () => {
  it('is the user id when the account exists, so username and email are one account', () => {
    expect(accountKey({ id: 'u1' }, 'alice')).toBe(accountKey({ id: 'u1' }, 'alice@example.com'));
  });

  it('is the trimmed, lower-cased identifier when no account exists', () => {
    expect(accountKey(null, ' Ghost ')).toBe(accountKey(undefined, 'ghost'));
    expect(accountKey(null, 'ghost')).not.toBe(accountKey({ id: 'ghost' }, 'ghost'));
  });
});

describe('LoginThrottle', () => {
  it('slows the failing source for an account while another source still may try', async () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock, counters());
    await failTimes(throttle, 4, ALICE, 'A');
    expect(await throttle.retryAfterSeconds(ALICE, 'A')).toBe(0);
    await throttle.recordFailure(ALICE, 'A');
    expect(await throttle.retryAfterSeconds(ALICE, 'A')).toBe(15 * 60);
    expect(await throttle.retryAfterSeconds(ALICE, 'B')).toBe(0);
    // Another account from A is not slowed by Alice's count.
    expect(await throttle.retryAfterSeconds(accountKey({ id: 'u-bob' }, 'bob'), 'A')).toBe(0);
  });

  it('doubles the lock-out each time the source reaches the limit again, up to a day', async () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock, counters());
    const locks: number[] = [];
    for (let round = 0; round < 9; round++) {
      await failTimes(throttle, 5, ALICE, 'A');
      const wait = await throttle.retryAfterSeconds(ALICE, 'A');
      locks.push(wait / 60);
      clock.advance(wait * 1000 - 1);
      expect(await throttle.retryAfterSeconds(ALICE, 'A')).toBe(1);
      clock.advance(1);
      expect(await throttle.retryAfterSeconds(ALICE, 'A')).toBe(0);
    }
    // Minutes: one window, then doubling, never longer than a day.
    expect(locks).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
  });

  it('locks a source that spreads its failures over the window once they reach the limit', async () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock, counters());
    await throttle.recordFailure(ALICE, 'A');
    clock.advance(14 * MINUTE);
    await failTimes(throttle, 4, ALICE, 'A');
    expect(await throttle.retryAfterSeconds(ALICE, 'A')).toBe(15 * 60);
  });

  it('applies the per-account ceiling to every source, and the right password clears it', async () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(
      { ...LIMITS, maxPerIp: 1_000, maxPerAccountPerHour: 12 },
      clock,
      counters(),
    );
    // Three sources, four failures each: none is slowed on its own, together they reach 12.
    for (const ip of ['A', 'B', 'C']) {
      await failTimes(throttle, 4, ALICE, ip);
    }
    expect(await throttle.retryAfterSeconds(ALICE, 'D')).toBe(3600);
    expect(await throttle.retryAfterSeconds(accountKey({ id: 'u-bob' }, 'bob'), 'D')).toBe(0);
    clock.advance(3_600_000);
    expect(await throttle.retryAfterSeconds(ALICE, 'D')).toBe(0);

    await failTimes(throttle, 11, ALICE, 'E');
    await throttle.recordSuccess(ALICE, 'D');
    await throttle.recordFailure(ALICE, 'F');
    expect(await throttle.retryAfterSeconds(ALICE, 'G')).toBe(0);
  });

  it('slows a source over maxPerIp across accounts; a success does not clear it', async () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock, counters());
    for (let i = 0; i < 20; i++) {
      await throttle.recordFailure(accountKey(null, `ghost${i}`), 'A');
    }
    await throttle.recordSuccess(ALICE, 'A');
    expect(await throttle.retryAfterSeconds(ALICE, 'A')).toBe(15 * 60);
    expect(await throttle.retryAfterSeconds(ALICE, 'B')).toBe(0);
  });

  it('the right password clears the failures of that source for that account', async () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock, counters());
    await failTimes(throttle, 4, ALICE, 'A');
    await throttle.recordSuccess(ALICE, 'A');
    await failTimes(throttle, 4, ALICE, 'A');
    expect(await throttle.retryAfterSeconds(ALICE, 'A')).toBe(0);
  });
});
