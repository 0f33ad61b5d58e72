import type { Clock } from '../clock.js';
import { waitForWindow, type CounterRepository } from '../store/counters.port.js';

/** Limits for failed password checks. */
export interface ThrottleLimits {
  /** Failures for one account from one source within `windowMs` before that source waits. */
  maxPerAccount: number;
  /** Failures from one source (IP) across all accounts within `windowMs`. */
  maxPerIp: number;
  windowMs: number;
  /** Failures for one account from all sources within an hour before everyone waits (NIST: 100). */
  maxPerAccountPerHour: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A source's lock-outs of one account are remembered this long (a week); each one doubles the next. */
const STRIKE_MEMORY_MS = 7 * DAY;
/** The longest single lock-out. */
const MAX_LOCK_MS = DAY;
/** Lock-outs kept per pair: the doubling stops at a day long before this many. */
const STRIKES_KEPT = 32;

/**
 * Counts failed password checks in the store, so that every instance of the
 * app sees the same counts (issue 14: five failures spread over two
 * instances lock the account). OWASP Authentication Cheat Sheet: a lockout
 * must not become a denial of service. Three counts:
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
 * says nothing about which accounts exist. Each count is one store row read
 * or written by its key (O(1) per call); a refused attempt only reads.
 */
export class LoginThrottle {
  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
    private readonly counters: CounterRepository,
  ) {}

  /** Seconds until `ip` may try a password for `account` again, or 0 when it may now. */
  async retryAfterSeconds(account: string, ip: string): Promise<number> {
    const now = this.clock.now().getTime();
    const { windowMs, maxPerIp, maxPerAccountPerHour } = this.limits;
    const [strikes, sources, accounts] = await Promise.all([
      // Twice the memory: the lock-out's length counts the strikes as of the latest one.
      this.counters.read(strikeKey(account, ip), now, 2 * STRIKE_MEMORY_MS),
      this.counters.read(sourceKey(ip), now, windowMs),
      this.counters.read(accountCountKey(account), now, HOUR),
    ]);
    const wait = Math.max(
      lockedFor(strikes, now, windowMs),
      waitForWindow(sources, now, windowMs, maxPerIp),
      waitForWindow(accounts, now, HOUR, maxPerAccountPerHour),
    );
    return Math.ceil(wait / 1000);
  }

  async recordFailure(account: string, ip: string): Promise<void> {
    const now = this.clock.now().getTime();
    const { windowMs, maxPerAccount, maxPerIp, maxPerAccountPerHour } = this.limits;
    const [pair] = await Promise.all([
      this.counters.hit(pairKey(account, ip), now, windowMs, maxPerAccount),
      this.counters.hit(sourceKey(ip), now, windowMs, maxPerIp),
      this.counters.hit(accountCountKey(account), now, HOUR, maxPerAccountPerHour),
    ]);
    // Failures are only checked while the pair is not locked, so reaching the limit is a new lock-out.
    if (pair.length >= maxPerAccount) {
      await this.counters.hit(strikeKey(account, ip), now, STRIKE_MEMORY_MS, STRIKES_KEPT);
    }
  }

  /**
   * The right password clears that source's failures and lock-outs for the
   * account, and the account's ceiling (NIST counts consecutive failures);
   * never the source's own count, which an attacker with an account of their
   * own could otherwise reset at will.
   */
  async recordSuccess(account: string, ip: string): Promise<void> {
    await this.counters.reset([pairKey(account, ip), strikeKey(account, ip), accountCountKey(account)]);
  }
}

/**
 * Milliseconds the pair's latest lock-out still lasts: one window, doubled
 * for each earlier one within a week of it. `strikes` are the lock-outs of
 * the last two weeks, oldest first.
 */
function lockedFor(strikes: readonly number[], now: number, windowMs: number): number {
  const lastStrike = strikes[strikes.length - 1];
  if (lastStrike === undefined || lastStrike <= now - STRIKE_MEMORY_MS) {
    return 0;
  }
  // Counted as of the last lock-out, so its length does not shrink while it lasts.
  const counted = strikes.filter((t) => t > lastStrike - STRIKE_MEMORY_MS).length;
  const doublings = Math.min(counted - 1, 30);
  const lockMs = Math.min(windowMs * 2 ** doublings, MAX_LOCK_MS);
  return Math.max(0, lastStrike + lockMs - now);
}

/**
 * The key failures are counted under: the user id when the account exists
 * (username and email are one account), else the identifier as typed,
 * trimmed and lower-cased as sign-in looks it up.
 */
export function accountKey(user: { id: string } | null | undefined, identifier: string): string {
  return user ? `user:${user.id}` : `name:${identifier.trim().toLowerCase()}`;
}

/** The store's keys of the four counts (one namespace: `login:`). */
function pairKey(account: string, ip: string): string {
  return `login:pair:${account}\n${ip}`;
}

function strikeKey(account: string, ip: string): string {
  return `login:strikes:${account}\n${ip}`;
}

function sourceKey(ip: string): string {
  return `login:ip:${ip}`;
}

function accountCountKey(account: string): string {
  return `login:account:${account}`;
}
