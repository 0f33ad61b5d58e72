import type { Clock } from '../clock.js';

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
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {}

  /** Seconds until a new attempt is allowed, or 0 when allowed now. */
  retryAfterSeconds(account: string, ip: string): number {
    const now = this.clock.now().getTime();
    const wait = Math.max(
      this.waitFor(`a:${account}`, this.limits.maxPerAccount, now),
      this.waitFor(`i:${ip}`, this.limits.maxPerIp, now),
    );
    return Math.ceil(wait / 1000);
  }

  recordFailure(account: string, ip: string): void {
    const now = this.clock.now().getTime();
    for (const key of [`a:${account}`, `i:${ip}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    this.prune(now);
  }

  /** A successful sign-in clears the account's count (not the IP's). */
  recordSuccess(account: string): void {
    this.failures.delete(`a:${account}`);
  }

  private waitFor(key: string, max: number, now: number): number {
    const list = this.recent(key, now);
    if (list.length < max) {
      return 0;
    }
    // Allowed again once enough of the oldest failures leave the window.
    const oldestCounted = list[list.length - max] ?? now;
    return Math.max(1, oldestCounted + this.limits.windowMs - now);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
  }

  /** Keeps memory bounded: forget keys with no failure inside the window. */
  private prune(now: number): void {
    if (this.failures.size < 10_000) {
      return;
    }
    for (const [key, list] of this.failures) {
      if (!list.some((t) => t > now - this.limits.windowMs)) {
        this.failures.delete(key);
      }
    }
  }
}
