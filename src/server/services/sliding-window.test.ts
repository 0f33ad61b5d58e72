import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../clock.js';
import { SlidingWindowCounter } from './sliding-window.js';

const MINUTE = 60_000;

/** Hits `n` keys named `${prefix}-i` once each at `now`. */
function fillKeys(counter: SlidingWindowCounter, prefix: string, n: number, now: number): void {
  for (let i = 0; i < n; i++) {
    counter.hit(`${prefix}-${i}`, now);
  }
}

describe('SlidingWindowCounter', () => {
  it('counts the events of a key inside the window and forgets them as they leave it', () => {
    const clock = new ManualClock(1_000_000);
    const counter = new SlidingWindowCounter(MINUTE);
    counter.hit('a', clock.now().getTime());
    clock.advance(20_000);
    counter.hit('a', clock.now().getTime());
    counter.hit('b', clock.now().getTime());
    expect(counter.count('a', clock.now().getTime())).toBe(2);
    expect(counter.last('a', clock.now().getTime())).toBe(1_020_000);

    // The first leaves 60 s after it happened; waitFor says when a third is allowed.
    expect(counter.waitFor('a', 2, clock.now().getTime())).toBe(40_000);
    clock.advance(40_000);
    expect(counter.count('a', clock.now().getTime())).toBe(1);
    expect(counter.waitFor('a', 2, clock.now().getTime())).toBe(0);
    clock.advance(20_000);
    expect(counter.count('a', clock.now().getTime())).toBe(0);
    expect(counter.last('a', clock.now().getTime())).toBeUndefined();
  });

  it('tryHit records an allowed event and nothing for a refused one', () => {
    const clock = new ManualClock(0);
    const counter = new SlidingWindowCounter(MINUTE);
    expect(counter.tryHit('k', 2, clock.now().getTime())).toBe(0);
    clock.advance(10_000);
    expect(counter.tryHit('k', 2, clock.now().getTime())).toBe(0);
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      expect(counter.tryHit('k', 2, clock.now().getTime())).toBeGreaterThan(0);
    }
    // A flood of refused requests neither grew the key nor pushed its window later.
    expect(counter.count('k', clock.now().getTime())).toBe(2);
    clock.advance(MINUTE - 20_000);
    expect(counter.tryHit('k', 2, clock.now().getTime())).toBe(0);
  });

  it('reset forgets a key at once', () => {
    const counter = new SlidingWindowCounter(MINUTE);
    counter.hit('a', 0);
    counter.reset('a');
    expect(counter.count('a', 1)).toBe(0);
    expect(counter.size).toBe(0);
  });

  it('forgets keys whose windows have ended as new hits arrive, without a read of them', () => {
    const clock = new ManualClock(0);
    const counter = new SlidingWindowCounter(MINUTE);
    fillKeys(counter, 'old', 1_000, clock.now().getTime());
    clock.advance(MINUTE);
    fillKeys(counter, 'new', 1_000, clock.now().getTime());
    // Each hit removed up to four stale keys: all 1,000 old ones are gone.
    expect(counter.size).toBe(1_000);
  });

  it('keeps at most maxKeys keys: past it the key hit least recently goes', () => {
    const counter = new SlidingWindowCounter(MINUTE, { maxKeys: 3 });
    counter.hit('a', 1);
    counter.hit('b', 2);
    counter.hit('c', 3);
    // A new hit on 'a' makes 'b' the least recently hit.
    counter.hit('a', 4);
    counter.hit('d', 5);
    expect(counter.size).toBe(3);
    expect(counter.count('b', 6)).toBe(0);
    expect(counter.count('a', 6)).toBe(2);
    expect(counter.count('c', 6)).toBe(1);
    expect(counter.count('d', 6)).toBe(1);
  });

  it('keeps at most maxEventsPerKey events of a key, and refuses a limit it could not enforce', () => {
    const counter = new SlidingWindowCounter(MINUTE, { maxEventsPerKey: 5 });
    for (let t = 0; t < 50; t++) {
      counter.hit('a', t);
    }
    expect(counter.count('a', 50)).toBe(5);
    // The five kept are the newest: the limit of 5 frees up when t=45 leaves.
    expect(counter.waitFor('a', 5, 50)).toBe(45 + MINUTE - 50);
    expect(() => counter.waitFor('a', 6, 50)).toThrow(RangeError);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  // Finding 7, reproduced through the public API only: the old counter read every key on every hit above 10,000.
  it('reads a bounded number of map entries per hit with 20,000 keys in the window', () => {
    const counter = new SlidingWindowCounter(MINUTE);
    fillKeys(counter, 'email', 20_000, 0);
    const get = vi.spyOn(Map.prototype, 'get');
    for (let i = 0; i < 100; i++) {
      counter.hit(`flood-${i}@example.com`, 20_000 + i);
    }
    expect(get.mock.calls.length / 100).toBeLessThanOrEqual(2);
  });

  it('keeps enough events for a limit above the default when none was set', () => {
    const counter = new SlidingWindowCounter(MINUTE);
    expect(counter.tryHit('a', 1_500, 0)).toBe(0);
    for (let t = 1; t < 1_500; t++) {
      counter.hit('a', t);
    }
    expect(counter.count('a', 1_500)).toBe(1_500);
    expect(counter.tryHit('a', 1_500, 1_500)).toBe(MINUTE - 1_500);
  });

  it('does the same bounded work per hit with 20,000 keys as with 10 (finding 7: every key was scanned above 10,000)', () => {
    const clock = new ManualClock(0);
    const workPerHit = (keys: number): number => {
      const counter = new SlidingWindowCounter(MINUTE);
      fillKeys(counter, 'warm', keys, clock.now().getTime());
      const before = counter.work;
      const hits = 1_000;
      for (let i = 0; i < hits; i++) {
        counter.hit(`flood-${i}`, clock.now().getTime());
        counter.count(`flood-${i}`, clock.now().getTime());
      }
      return (counter.work - before) / hits;
    };
    const small = workPerHit(10);
    const large = workPerHit(20_000);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(8);
  });

  it('does bounded work per hit while the stale keys of a past flood are swept', () => {
    const clock = new ManualClock(0);
    const counter = new SlidingWindowCounter(MINUTE);
    fillKeys(counter, 'flood', 20_000, clock.now().getTime());
    clock.advance(MINUTE);
    let worst = 0;
    for (let i = 0; i < 10_000; i++) {
      const before = counter.work;
      counter.hit(`user-${i % 50}`, clock.now().getTime());
      worst = Math.max(worst, counter.work - before);
    }
    // Lookup, timestamps of one key, at most four stale keys swept and the check that stops the sweep.
    expect(worst).toBeLessThanOrEqual(7);
    expect(counter.size).toBe(50);
  });
});
