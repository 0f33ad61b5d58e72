import { createHash } from 'node:crypto';

/**
 * What every instance of the app must agree on, kept in the store so that
 * several processes (WEB_CONCURRENCY workers, or instances on several
 * machines) share it: sliding-window counters (sign-in failures, reset
 * quotas, generation starts), running-generation slots, and the generated
 * session secret (issue 14, section 2). Times are milliseconds since the
 * epoch, from the caller's clock. Keys, owners, run ids and groups are
 * stored only as their digest ({@link storedKey}): a key names a user id,
 * an email or a source address, and none of them may stay in the database
 * once the account is deleted.
 */
export interface CounterRepository {
  /**
   * Records an event for `key` at `now` and returns the key's events inside
   * the window ending at `now` (newer than `now - windowMs`), oldest first,
   * at most the `keep` latest. The key is forgotten `windowMs` after its
   * latest event. One read and one write of the key's row, atomic across
   * processes.
   */
  hit(key: string, now: number, windowMs: number, keep: number): Promise<number[]>;
  /**
   * Records an event only when fewer than `max` are inside the window:
   * returns 0 when it was recorded, else the milliseconds until one leaves
   * the window (nothing recorded, so a refused request neither costs space
   * nor extends its own wait). The check and the write are one atomic step:
   * of two processes racing for the last place, one gets it.
   */
  tryHit(key: string, now: number, windowMs: number, max: number): Promise<number>;
  /** The key's events inside the window ending at `now`, oldest first (none when unknown). */
  read(key: string, now: number, windowMs: number): Promise<number[]>;
  /** Forgets these keys' events at once. */
  reset(keys: readonly string[]): Promise<void>;
  /**
   * Takes a running slot for `request.id` under `request.owner`, atomically:
   * refused when the owner's live slots (distinct groups) are `maxGroups`
   * already and the run joins none of them, or when its group holds
   * `maxPerGroup` runs. A slot is a lease that ends at `now + leaseMs` unless
   * renewed, so a process that dies does not hold it for ever.
   */
  acquireSlot(request: SlotRequest): Promise<SlotAnswer>;
  /** What acquireSlot would answer now, taking nothing (a check before the work of starting). */
  peekSlot(request: Omit<SlotRequest, 'leaseMs'>): Promise<SlotAnswer>;
  /** Moves the end of these slots' leases to `expiresAt` (the holder is alive); unknown ids are ignored. */
  renewSlots(ids: readonly string[], expiresAt: number): Promise<void>;
  /** Frees the slot of run `id` (a no-op when it has none). */
  releaseSlot(id: string): Promise<void>;
  /** Deletes counters and slots that have expired at `now`; returns how many went. */
  purgeExpired(now: number): Promise<number>;
  /**
   * The secret stored under `name`; when there is none yet, stores
   * `candidate` and returns it. Insert-if-absent in one atomic step: of
   * instances starting at once, every one gets the same value.
   */
  keepSecret(name: string, candidate: string, now: number): Promise<string>;
  /** The secret stored under `name`, or null (nothing is stored). For db:copy. */
  readSecret(name: string): Promise<string | null>;
}

/** A run asking for a running slot (see CounterRepository.acquireSlot). */
export interface SlotRequest {
  /** Whose slots: the user id. */
  owner: string;
  /** The run: its slot is freed or renewed by this id. */
  id: string;
  /** Runs of one group share a slot (a Compare); a single run is its own group. */
  group: string;
  maxGroups: number;
  maxPerGroup: number;
  now: number;
  leaseMs: number;
}

/** Whether a slot was granted, and why not. */
export type SlotAnswer =
  | { granted: true }
  | { granted: false; reason: 'group_full' }
  | { granted: false; reason: 'slots_full'; slots: number };

/**
 * What the store keeps instead of a key (or an owner, run id or group):
 * its SHA-256, so that no user id, email or address is written, and every
 * key has the same short length.
 */
export function storedKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

/**
 * Decides a slot request from the owner's live slots (the same rule in every
 * adapter): `held` are the owner's unexpired leases as [id, group].
 */
export function decideSlot(
  held: readonly (readonly [id: string, group: string])[],
  request: Pick<SlotRequest, 'id' | 'group' | 'maxGroups' | 'maxPerGroup'>,
): SlotAnswer {
  const others = held.filter(([id]) => id !== request.id);
  const inGroup = others.filter(([, group]) => group === request.group).length;
  if (inGroup >= request.maxPerGroup) {
    return { granted: false, reason: 'group_full' };
  }
  const slots = new Set(others.map(([, group]) => group)).size;
  // A run joining a group already running takes no new slot.
  if (inGroup === 0 && slots >= request.maxGroups) {
    return { granted: false, reason: 'slots_full', slots };
  }
  return { granted: true };
}

/**
 * The events kept after recording one at `now`: those newer than the
 * window's start, then `now`, at most the `keep` latest.
 */
export function windowAfterHit(
  times: readonly number[],
  now: number,
  windowMs: number,
  keep: number,
): number[] {
  const live = inWindow(times, now, windowMs);
  live.push(now);
  return live.length > keep ? live.slice(live.length - keep) : live;
}

/** The events inside the window ending at `now`. */
export function inWindow(times: readonly number[], now: number, windowMs: number): number[] {
  const start = now - windowMs;
  return times.filter((t) => t > start);
}

/** Milliseconds until fewer than `max` of `live` (oldest first, in the window) remain in it; 0 when already below. */
export function waitForWindow(live: readonly number[], now: number, windowMs: number, max: number): number {
  if (live.length < max) {
    return 0;
  }
  const oldestCounted = live[live.length - max] ?? now;
  return Math.max(1, oldestCounted + windowMs - now);
}
