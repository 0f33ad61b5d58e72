import type { Clock } from '../clock.js';
import { SlidingWindowCounter } from './sliding-window.js';

/** Limits for failed password checks. */
export interface ThrottleLimits {
  /** Failures for one account from one source within `windowMs` before that source waits. */
  maxPerAccount: number;
  /** Failures from one source (IP) across all accounts within `windowMs`. */
  maxPerIp: number;
  windowMs: number;
  /** Failures for one account from all sources within an hour before everyone waits (NIST: 100). */
  maxPerAccountPerHour: number;
  /** Keys each counter keeps at most (oldest windows forgotten past it). */
  maxKeys?: number;
}

const HOUR = 3_600_000;
/** The first wait of a source over the per-account limit; it doubles with each further failure. */
export const FIRST_DELAY_MS = 60_000;

/**
 * Counts failed password checks in memory (OWASP Authentication Cheat Sheet:
 * a lockout must not become a denial of service). Three counts:
 *
 * - per account and source: after `maxPerAccount` failures that source waits
 *   {@link FIRST_DELAY_MS} after its last failure, doubling with each further
 *   failure, never longer than until its failures leave the window; another
 *   source — the owner's — still signs in;
 * - per source: `maxPerIp` failures across all accounts;
 * - per account: a ceiling of `maxPerAccountPerHour` failures from anywhere
 *   (NIST SP 800-63B), after which every source waits.
 *
 * `account` is a key from {@link accountKey}: the user id when the account
 * exists, so its username and email are one account, and the normalised
 * identifier otherwise, so unknown names are counted the same way and a 429
 * says nothing about which accounts exist.
 */
export class LoginThrottle {
  private readonly pairs: SlidingWindowCounter;
  private readonly sources: SlidingWindowCounter;
  private readonly accounts: SlidingWindowCounter;

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {
    // Each counter keeps enough events per key to enforce its limit.
    const bounds = (max: number) => ({ maxKeys: limits.maxKeys, maxEventsPerKey: Math.max(1_000, max) });
    this.pairs = new SlidingWindowCounter(limits.windowMs, bounds(limits.maxPerAccount));
    this.sources = new SlidingWindowCounter(limits.windowMs, bounds(limits.maxPerIp));
    this.accounts = new SlidingWindowCounter(HOUR, bounds(limits.maxPerAccountPerHour));
  }

  /** Seconds until `ip` may try a password for `account` again, or 0 when it may now. */
  retryAfterSeconds(account: string, ip: string): number {
    const now = this.clock.now().getTime();
    const wait = Math.max(
      this.pairWait(pairKey(account, ip), now),
      this.sources.waitFor(ip, this.limits.maxPerIp, now),
      this.accounts.waitFor(account, this.limits.maxPerAccountPerHour, now),
    );
    return Math.ceil(wait / 1000);
  }

  recordFailure(account: string, ip: string): void {
    const now = this.clock.now().getTime();
    this.pairs.hit(pairKey(account, ip), now);
    this.sources.hit(ip, now);
    this.accounts.hit(account, now);
  }

  /**
   * The right password clears that source's failures for the account and the
   * account's ceiling (NIST counts consecutive failures); never the source's
   * own count, which an attacker with one account of their own could reset.
   */
  recordSuccess(account: string, ip: string): void {
    this.pairs.reset(pairKey(account, ip));
    this.accounts.reset(account);
  }

  private pairWait(key: string, now: number): number {
    const failures = this.pairs.count(key, now);
    const untilBelowLimit = this.pairs.waitFor(key, this.limits.maxPerAccount, now);
    if (untilBelowLimit === 0) {
      return 0;
    }
    const last = this.pairs.last(key, now) ?? now;
    const doublings = Math.min(failures - this.limits.maxPerAccount, 30);
    const delayEnd = last + FIRST_DELAY_MS * 2 ** doublings;
    return Math.max(0, Math.min(untilBelowLimit, delayEnd - now));
  }
}

/**
 * The key failures are counted under: the user id when the account exists
 * (username and email are one account), else the identifier as typed,
 * trimmed and lower-cased as sign-in looks it up.
 */
export function accountKey(user: { id: string } | null | undefined, identifier: string): string {
  return user ? `user:${user.id}` : `name:${identifier.trim().toLowerCase()}`;
}

function pairKey(account: string, ip: string): string {
  return `${account}\n${ip}`;
}
