/**
 * Counts events per key within a sliding time window, in memory. Used for
 * sign-in throttling and reset-request limits. Memory stays bounded: keys
 * whose events have all left the window are forgotten.
 */
export class SlidingWindowCounter {
  private readonly events = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  /** Records one event for `key` at `now` (ms). */
  hit(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    this.events.set(key, list);
    if (this.events.size > 10_000) {
      this.prune(now);
    }
  }

  /** Events for `key` inside the window ending at `now`. */
  count(key: string, now: number): number {
    return this.recent(key, now).length;
  }

  /** Milliseconds until fewer than `max` events remain in the window; 0 when already below. */
  waitFor(key: string, max: number, now: number): number {
    const list = this.recent(key, now);
    if (list.length < max) {
      return 0;
    }
    const oldestCounted = list[list.length - max] ?? now;
    return Math.max(1, oldestCounted + this.windowMs - now);
  }

  reset(key: string): void {
    this.events.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const list = this.events.get(key);
    if (!list) {
      return [];
    }
    const kept = list.filter((t) => t > now - this.windowMs);
    if (kept.length === 0) {
      this.events.delete(key);
    }
    return kept;
  }

  private prune(now: number): void {
    for (const key of [...this.events.keys()]) {
      this.recent(key, now);
    }
  }
}
