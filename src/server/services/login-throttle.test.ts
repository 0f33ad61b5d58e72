import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { accountKey, FIRST_DELAY_MS, LoginThrottle } from './login-throttle.js';

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
    expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(FIRST_DELAY_MS / 1000);
    expect(throttle.retryAfterSeconds(ALICE, 'B')).toBe(0);
    // Another account from A is not slowed by Alice's count.
    expect(throttle.retryAfterSeconds(accountKey({ id: 'u-bob' }, 'bob'), 'A')).toBe(0);
  });

  it('doubles the wait with each further failure, never past the end of the window', () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(LIMITS, clock);
    failTimes(throttle, 5, ALICE, 'A');
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const wait = throttle.retryAfterSeconds(ALICE, 'A');
      waits.push(wait);
      clock.advance(wait * 1000 - 1);
      expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(1);
      clock.advance(1);
      expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(0);
      throttle.recordFailure(ALICE, 'A');
    }
    expect(waits).toEqual([60, 120, 240, 480]);
    // 15 minutes on, the first five have left the window: 4 failures remain, the fifth costs a minute again.
    expect(clock.now().getTime()).toBe(15 * MINUTE);
    throttle.recordFailure(ALICE, 'A');
    expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(60);
  });

  it('lets a source try again once its failures have left the window', () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle({ ...LIMITS, windowMs: 2 * MINUTE }, clock);
    failTimes(throttle, 5, ALICE, 'A');
    clock.advance(MINUTE);
    throttle.recordFailure(ALICE, 'A');
    // Six failures want 2 minutes; the first five leave the 2-minute window in 1.
    expect(throttle.retryAfterSeconds(ALICE, 'A')).toBe(60);
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
