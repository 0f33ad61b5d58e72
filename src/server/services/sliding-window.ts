/** Keys kept at most by default; past it the key hit least recently is forgotten. */
export const DEFAULT_MAX_KEYS = 100_000;
/** Events kept at most per key by default; past it the oldest is dropped (counts saturate there). */
export const DEFAULT_MAX_EVENTS_PER_KEY = 1_000;
/** Expired keys removed at most per hit, so no single request pays for a backlog. */
const SWEEP_PER_HIT = 4;
/** A key's event list is compacted once this many expired slots lead it. */
const COMPACT_AFTER = 32;

/** Bounds of a {@link SlidingWindowCounter}. */
export interface SlidingWindowOptions {
  /**
   * Keys kept at most. At the bound the key whose last event is oldest is
   * forgotten (its window starts again from zero): memory never grows past
   * it, and an attacker who fills it only pushes out the stalest windows.
   */
  maxKeys?: number;
  /**
   * Events kept per key; a `max` above it cannot be enforced and is refused.
   * Left out: 1,000, raised to the largest `max` a check asks for.
   */
  maxEventsPerKey?: number;
}

/**
 * One key's events in time order (`times[head..]` are the live ones), linked
 * into a list in order of last hit. Our own list, not the Map's order: V8
 * leaves a hole for every deleted Map entry until it rehashes, and iterating
 * from the front would step over all of them on every hit.
 */
interface Entry {
  key: string;
  times: number[];
  head: number;
  older: Entry | undefined;
  newer: Entry | undefined;
}

/**
 * Counts events per key within a sliding time window, in memory, exactly.
 * The app no longer uses it: sign-in, reset and generation limits are counted
 * in the store (store.counters, shared by every instance). It stays as the
 * in-memory baseline that bench/counters.bench.ts and bench/rate-limit.bench.ts
 * measure the store counters and the old scanning counter against.
 *
 * Work per call is O(1) amortised whatever the number of keys: the keys are
 * linked in order of their last hit (a hit moves its key to the newest end),
 * so the keys whose windows have expired are always at the oldest end, and
 * each hit removes at most {@link SWEEP_PER_HIT} of them there (lazy expiry
 * does the rest when a key is read). Memory is bounded by `maxKeys` ×
 * `maxEventsPerKey`. Refused requests should cost nothing: use
 * {@link tryHit}, which records an event only when it is allowed.
 */
export class SlidingWindowCounter {
  private readonly entries = new Map<string, Entry>();
  private oldest: Entry | undefined;
  private newest: Entry | undefined;
  private readonly maxKeys: number;
  private maxEventsPerKey: number;
  private readonly eventsPerKeyFixed: boolean;
  private visited = 0;

  constructor(
    private readonly windowMs: number,
    options: SlidingWindowOptions = {},
  ) {
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.maxEventsPerKey = options.maxEventsPerKey ?? DEFAULT_MAX_EVENTS_PER_KEY;
    this.eventsPerKeyFixed = options.maxEventsPerKey !== undefined;
  }

  /** Keys held now (expired ones may linger until swept or read). */
  get size(): number {
    return this.entries.size;
  }

  /** Map entries and timestamps examined so far: the work done, for tests and the bench. */
  get work(): number {
    return this.visited;
  }

  /** Records one event for `key` at `now` (ms). */
  hit(key: string, now: number): void {
    let entry = this.live(key, now);
    if (entry) {
      this.unlink(entry);
    } else {
      entry = { key, times: [], head: 0, older: undefined, newer: undefined };
      this.entries.set(key, entry);
    }
    this.append(entry);
    entry.times.push(now);
    if (entry.times.length - entry.head > this.maxEventsPerKey) {
      entry.head++;
    }
    this.compact(entry);
    this.sweep(now);
    if (this.entries.size > this.maxKeys && this.oldest) {
      this.visited++;
      this.forget(this.oldest);
    }
  }

  /**
   * Records an event only when fewer than `max` are in the window: returns 0
   * when recorded, or the milliseconds to wait (nothing recorded, so a
   * refused request neither costs memory nor extends its own wait).
   */
  tryHit(key: string, max: number, now: number): number {
    const wait = this.waitFor(key, max, now);
    if (wait === 0) {
      this.hit(key, now);
    }
    return wait;
  }

  /** Events for `key` inside the window ending at `now`. */
  count(key: string, now: number): number {
    const entry = this.live(key, now);
    return entry ? entry.times.length - entry.head : 0;
  }

  /** Time (ms) of the latest event for `key` inside the window, or undefined. */
  last(key: string, now: number): number | undefined {
    const entry = this.live(key, now);
    return entry?.times[entry.times.length - 1];
  }

  /** Milliseconds until fewer than `max` events remain in the window; 0 when already below. */
  waitFor(key: string, max: number, now: number): number {
    if (max > this.maxEventsPerKey) {
      if (this.eventsPerKeyFixed) {
        throw new RangeError(`max ${max} is above maxEventsPerKey ${this.maxEventsPerKey}`);
      }
      // A limit set above the default (GENERATIONS_PER_MINUTE=5000): keep enough events to enforce it.
      this.maxEventsPerKey = max;
    }
    const entry = this.live(key, now);
    const counted = entry ? entry.times.length - entry.head : 0;
    if (!entry || counted < max) {
      return 0;
    }
    const oldestCounted = entry.times[entry.times.length - max] ?? now;
    return Math.max(1, oldestCounted + this.windowMs - now);
  }

  reset(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      this.forget(entry);
    }
  }

  /** The key's entry with expired events dropped, or undefined (and forgotten) when none remain. */
  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    this.visited++;
    if (!entry) {
      return undefined;
    }
    const cutoff = now - this.windowMs;
    while (entry.head < entry.times.length && (entry.times[entry.head] ?? now) <= cutoff) {
      entry.head++;
      this.visited++;
    }
    if (entry.head === entry.times.length) {
      this.forget(entry);
      return undefined;
    }
    this.compact(entry);
    return entry;
  }

  private compact(entry: Entry): void {
    if (entry.head >= COMPACT_AFTER && entry.head * 2 >= entry.times.length) {
      entry.times = entry.times.slice(entry.head);
      entry.head = 0;
    }
  }

  /** Forgets up to SWEEP_PER_HIT keys at the oldest end whose last event has left the window. */
  private sweep(now: number): void {
    const cutoff = now - this.windowMs;
    for (let i = 0; i < SWEEP_PER_HIT && this.oldest; i++) {
      this.visited++;
      const lastTime = this.oldest.times[this.oldest.times.length - 1] ?? now;
      if (lastTime > cutoff) {
        return;
      }
      this.forget(this.oldest);
    }
  }

  private forget(entry: Entry): void {
    this.unlink(entry);
    this.entries.delete(entry.key);
  }

  private append(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest) {
      this.newest.newer = entry;
    } else {
      this.oldest = entry;
    }
    this.newest = entry;
  }

  private unlink(entry: Entry): void {
    if (entry.older) {
      entry.older.newer = entry.newer;
    } else if (this.oldest === entry) {
      this.oldest = entry.newer;
    }
    if (entry.newer) {
      entry.newer.older = entry.older;
    } else if (this.newest === entry) {
      this.newest = entry.older;
    }
    entry.older = undefined;
    entry.newer = undefined;
  }
}
