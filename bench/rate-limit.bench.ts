/**
 * Rate-limit counters under a flood (issue 13, finding 7: 16 clients sending
 * forgot-password requests for new emails cut the app from 1,148 to 126
 * requests/s, and it stayed slow after the flood). The counter before the fix
 * recorded refused hits and, above 10,000 keys, scanned every key on every
 * hit; the new one (src/server/services/sliding-window.ts) does O(1) work per
 * hit and keeps at most 100,000 keys. This prints hits per second for both,
 * with a new key on every hit (the flood) and with hits on keys already held,
 * at 10,000 and 100,000 keys, and how many timestamps a flood of refused
 * requests on one key leaves behind.
 *
 * Run: `npx tsx bench/rate-limit.bench.ts` (BENCH_RATE_SECONDS, default 1,
 * is the time given to each case).
 */
import { SlidingWindowCounter } from '../src/server/services/sliding-window.js';

const HOUR = 3_600_000;
const SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 1);

/** The counter as it was before the fix, kept here only to compare against. */
class LegacyCounter {
  private readonly events = new Map<string, number[]>();
  constructor(private readonly windowMs: number) {}
  hit(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    this.events.set(key, list);
    if (this.events.size > 10_000) {
      for (const k of [...this.events.keys()]) {
        this.recent(k, now);
      }
    }
  }
  count(key: string, now: number): number {
    return this.recent(key, now).length;
  }
  /** Fills a key without the scan, so setting up 100,000 keys does not take an hour. */
  seed(key: string, now: number): void {
    this.events.set(key, [now]);
  }
  timestamps(key: string): number {
    return this.events.get(key)?.length ?? 0;
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
}

interface Counter {
  hit(key: string, now: number): void;
  count(key: string, now: number): number;
}

/** Hits per second over about `SECONDS`, one check and one hit per request as the reset service does. */
function hitsPerSecond(counter: Counter, keyOf: (i: number) => string, start: number): number {
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(SECONDS * 1e9));
  let i = 0;
  let now = start;
  while (process.hrtime.bigint() < deadline) {
    for (let j = 0; j < 4; j++, i++) {
      now++;
      counter.count(keyOf(i), now);
      counter.hit(keyOf(i), now);
    }
  }
  return i / (Number(process.hrtime.bigint() - started) / 1e9);
}

function fill(counter: Counter | LegacyCounter, keys: number): number {
  for (let i = 0; i < keys; i++) {
    if (counter instanceof LegacyCounter) {
      counter.seed(`held-${i}@example.com`, i);
    } else {
      counter.hit(`held-${i}@example.com`, i);
    }
  }
  return keys;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);

console.log(`Rate-limit counter, hits/s (check + hit per request), ${SECONDS} s per case, one-hour window\n`);
console.log(`${'case'.padEnd(44)}${'before'.padStart(12)}${'after'.padStart(12)}   after/before`);
for (const keys of [10_000, 100_000]) {
  for (const [label, keyOf] of [
    ['a new email on every hit', (i: number) => `flood-${i}@example.com`],
    ['hits on emails already held', (i: number) => `held-${(i * 7919) % keys}@example.com`],
  ] as const) {
    const legacy = new LegacyCounter(HOUR);
    const current = new SlidingWindowCounter(HOUR);
    const before = hitsPerSecond(legacy, keyOf, fill(legacy, keys));
    const after = hitsPerSecond(current, keyOf, fill(current, keys));
    console.log(
      `${`${keys.toLocaleString('en-US')} keys, ${label}`.padEnd(44)}${fmt(before)}${fmt(after)}   ${(after / before).toFixed(0)}×`,
    );
  }
}

// A flood of refused requests for one email: the old service recorded each one.
const legacy = new LegacyCounter(HOUR);
const current = new SlidingWindowCounter(HOUR);
const FLOOD = 10_000;
for (let t = 0; t < FLOOD; t++) {
  // Before: checked, then recorded whether refused or not.
  legacy.count('victim@example.com', t);
  legacy.hit('victim@example.com', t);
  current.tryHit('victim@example.com', 3, t);
}
console.log(
  `\n${FLOOD.toLocaleString('en-US')} requests for one email, limit 3: timestamps kept before ${legacy.timestamps('victim@example.com').toLocaleString('en-US')}, after ${current.count('victim@example.com', FLOOD)}`,
);
