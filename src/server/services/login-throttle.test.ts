import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { accountKey, LoginThrottle } from './login-throttle.js';

const MINUTE = 60_000;
const LIMITS = { maxPerAccount: 5, maxPerIp: 20, windowMs: 15 * MINUTE, maxPerAccountPerHour: 100 };
const ALICE = accountKey({ id: 'u-alice' }, 'alice');

function failTimes(throttle: LoginThrottle, n: number, account: string, ip: string): void {
  for (let i = 0; i < n; i++) {
    throttle.recordFailure(account, ip);
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
  it('slows the failing source for an account while another source still may try', () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock);
    failTimes(throttle, 4, ALICE, 'A');
    expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(0);
    throttle.recordFailure(ALICE, 'A');
    expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(15 * 60);
    expect(throttle.retryAfterSeconds(ALICE, 'B')).toBe(0);
    // Another account from A is not slowed by Alice's count.
    expect(throttle.retryAfterSeconds(accountKey({ id: 'u-bob' }, 'bob'), 'A')).toBe(0);
  });

  it('doubles the lock-out each time the source reaches the limit again, up to a day', () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock);
    const locks: number[] = [];
    for (let round = 0; round < 9; round++) {
      failTimes(throttle, 5, ALICE, 'A');
      const wait = throttle.retryAfterSeconds(ALICE, 'A');
      locks.push(wait / 60);
      clock.advance(wait * 1000 - 1);
      expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(1);
      clock.advance(1);
      expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(0);
    }
    // Minutes: one window, then doubling, never longer than a day.
    expect(locks).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
  });

  it('locks a source that spreads its failures over the window once they reach the limit', () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock);
    throttle.recordFailure(ALICE, 'A');
    clock.advance(14 * MINUTE);
    failTimes(throttle, 4, ALICE, 'A');
    expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(15 * 60);
  });

  it('applies the per-account ceiling to every source, and the right password clears it', () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle({ ...LIMITS, maxPerIp: 1_000, maxPerAccountPerHour: 12 }, clock);
    // Three sources, four failures each: none is slowed on its own, together they reach 12.
    for (const ip of ['A', 'B', 'C']) {
      failTimes(throttle, 4, ALICE, ip);
    }
    expect(throttle.retryAfterSeconds(ALICE, 'D')).toBe(3600);
    expect(throttle.retryAfterSeconds(accountKey({ id: 'u-bob' }, 'bob'), 'D')).toBe(0);
    clock.advance(3_600_000);
    expect(throttle.retryAfterSeconds(ALICE, 'D')).toBe(0);

    failTimes(throttle, 11, ALICE, 'E');
    throttle.recordSuccess(ALICE, 'D');
    throttle.recordFailure(ALICE, 'F');
    expect(throttle.retryAfterSeconds(ALICE, 'G')).toBe(0);
  });

  it('slows a source over maxPerIp across accounts; a success does not clear it', () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock);
    for (let i = 0; i < 20; i++) {
      throttle.recordFailure(accountKey(null, `ghost${i}`), 'A');
    }
    throttle.recordSuccess(ALICE, 'A');
    expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(15 * 60);
    expect(throttle.retryAfterSeconds(ALICE, 'B')).toBe(0);
  });

  it('the right password clears the failures of that source for that account', () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock);
    failTimes(throttle, 4, ALICE, 'A');
    throttle.recordSuccess(ALICE, 'A');
    failTimes(throttle, 4, ALICE, 'A');
    expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(0);
  });
});
