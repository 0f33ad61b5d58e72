import type { Clock } from '../clock.js';
import { SlidingWindowCounter } from './sliding-window.js';

/** Limits for failed sign-ins within a sliding window. */
export interface ThrottleLimits {
  maxPerAccount: number;
  maxPerIp: number;
  windowMs: number;
}

/**
 * Counts failed sign-ins per account identifier and per IP in memory
 * (OWASP Authentication Cheat Sheet: throttle per account and per source).
 * Identifiers are counted whether or not the account exists, so a 429 says
 * nothing about which accounts exist.
 */
export class LoginThrottle {
  private readonly failures: SlidingWindowCounter;

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {
    this.failures = new SlidingWindowCounter(limits.windowMs);
  }

  /** Seconds until a new attempt is allowed, or 0 when allowed now. */
  retryAfterSeconds(account: string, ip: string): number {
    const now = this.clock.now().getTime();
    const wait = Math.max(
      this.failures.waitFor(`a:${account}`, this.limits.maxPerAccount, now),
      this.failures.waitFor(`i:${ip}`, this.limits.maxPerIp, now),
    );
    return Math.ceil(wait / 1000);
  }

  recordFailure(account: string, ip: string): void {
    const now = this.clock.now().getTime();
    this.failures.hit(`a:${account}`, now);
    this.failures.hit(`i:${ip}`, now);
  }

  /** A successful sign-in clears the account's count (not the IP's). */
  recordSuccess(account: string): void {
    this.failures.reset(`a:${account}`);
  }
}
