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
const DAY = 24 * HOUR;
/** A source's lock-outs of one account are remembered this long (a week); each one doubles the next. */
const STRIKE_MEMORY_MS = 7 * DAY;
/** The longest single lock-out. */
const MAX_LOCK_MS = DAY;

/**
 * Counts failed password checks in memory (OWASP Authentication Cheat Sheet:
 * a lockout must not become a denial of service). Three counts:
 *
 * - per account and source: after `maxPerAccount` failures within the window
 *   that source is locked out of that account for one window; each further
 *   lock-out within a week doubles (growing delays, up to a day). Another
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
  /** One event per lock-out of an account for a source. */
  private readonly strikes: SlidingWindowCounter;
  private readonly sources: SlidingWindowCounter;
  private readonly accounts: SlidingWindowCounter;

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {
    // Each counter keeps enough events per key to enforce its limit.
    const bounds = (max: number) => ({ maxKeys: limits.maxKeys, maxEventsPerKey: Math.max(1_000, max) });
    this.pairs = new SlidingWindowCounter(limits.windowMs, bounds(limits.maxPerAccount));
    this.strikes = new SlidingWindowCounter(STRIKE_MEMORY_MS, bounds(0));
    this.sources = new SlidingWindowCounter(limits.windowMs, bounds(limits.maxPerIp));
    this.accounts = new SlidingWindowCounter(HOUR, bounds(limits.maxPerAccountPerHour));
  }

  /** Seconds until `ip` may try a password for `account` again, or 0 when it may now. */
  retryAfterSeconds(account: string, ip: string): number {
    const now = this.clock.now().getTime();
    const wait = Math.max(
      this.lockedFor(pairKey(account, ip), now),
      this.sources.waitFor(ip, this.limits.maxPerIp, now),
      this.accounts.waitFor(account, this.limits.maxPerAccountPerHour, now),
    );
    return Math.ceil(wait / 1000);
  }

  recordFailure(account: string, ip: string): void {
    const now = this.clock.now().getTime();
    const pair = pairKey(account, ip);
    this.pairs.hit(pair, now);
    // Failures are only checked while the pair is not locked, so reaching the limit is a new lock-out.
    if (this.pairs.count(pair, now) >= this.limits.maxPerAccount) {
      this.strikes.hit(pair, now);
    }
    this.sources.hit(ip, now);
    this.accounts.hit(account, now);
  }

  /**
   * The right password clears that source's failures and lock-outs for the
   * account, and the account's ceiling (NIST counts consecutive failures);
   * never the source's own count, which an attacker with an account of their
   * own could otherwise reset at will.
   */
  recordSuccess(account: string, ip: string): void {
    const pair = pairKey(account, ip);
    this.pairs.reset(pair);
    this.strikes.reset(pair);
    this.accounts.reset(account);
  }

  /** Milliseconds the pair's latest lock-out still lasts: one window, doubled for each earlier one. */
  private lockedFor(pair: string, now: number): number {
    const lastStrike = this.strikes.last(pair, now);
    if (lastStrike === undefined) {
      return 0;
    }
    // Counted as of the last lock-out, so its length does not shrink while it lasts.
    const doublings = Math.min(this.strikes.count(pair, lastStrike) - 1, 30);
    const lockMs = Math.min(this.limits.windowMs * 2 ** doublings, MAX_LOCK_MS);
    return Math.max(0, lastStrike + lockMs - now);
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
