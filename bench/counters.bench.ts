/**
 * The cost of keeping the limits in the store (issue 14, section 2: counters
 * shared by every instance). Sign-in failures, reset quotas and generation
 * limits used to be counted in each process's memory
 * (src/server/services/sliding-window.ts); now they live in the store
 * (store.counters, src/server/store/sqlite/sqlite-counters.ts for SQLite),
 * so that several instances count together. This prints, in one run,
 * operations per second and microseconds per operation for the in-memory
 * window and the SQLite-backed counter on a real file (WAL, through the same
 * guarded store the app opens), and their ratio:
 *
 * - tryHit (check and record, as the reset and generation limits do) on keys
 *   already held, at 10,000 and 100,000 keys: the cost must not grow with them;
 * - tryHit with a new key on every call (a flood of new emails or sources);
 * - read (what a refused or a checked request costs);
 * - a whole failed sign-in as LoginThrottle counts it (three reads, three
 *   hits), SQLite only: the per-request cost a user meets.
 *
 * Run: `npx tsx bench/counters.bench.ts` (BENCH_COUNTER_SECONDS, default 1,
 * is the time given to each case).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../src/server/clock.js';
import { LoginThrottle } from '../src/server/services/login-throttle.js';
import { SlidingWindowCounter } from '../src/server/services/sliding-window.js';
import type { CounterRepository } from '../src/server/store/counters.port.js';
import { SqliteStore } from '../src/server/store/sqlite/sqlite.adapter.js';

const HOUR = 3_600_000;
const LIMIT = 10;
const SECONDS = Number(process.env.BENCH_COUNTER_SECONDS ?? 1);

/** Operations per second over about SECONDS; `op` gets a running index and a moving clock. */
async function opsPerSecond(op: (i: number, now: number) => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(SECONDS * 1e9));
  let i = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let j = 0; j < 16; j++, i++) {
      const done = op(i, 1_000_000 + i);
      if (done instanceof Promise) {
        await done;
      }
    }
  }
  return i / (Number(process.hrtime.bigint() - started) / 1e9);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-counters-bench-'));
const stores: SqliteStore[] = [];
/** A store on a new file, as the app opens it (guarded repositories, WAL). */
function openCounters(): CounterRepository {
  const store = SqliteStore.open(path.join(dir, `counters-${stores.length}.db`));
  stores.push(store);
  return store.counters;
}

async function fill(memory: SlidingWindowCounter, store: CounterRepository, keys: number): Promise<void> {
  for (let i = 0; i < keys; i++) {
    memory.hit(`held-${i}`, i);
  }
  // One transaction-free pass is slow at 100,000 keys; the store's own hit is what the app does.
  for (let i = 0; i < keys; i++) {
    await store.hit(`held-${i}`, i, HOUR, LIMIT);
  }
}

const us = (opsPerSec: number) => (1e6 / opsPerSec).toFixed(1).padStart(9);
const ops = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);

console.log(
  `Shared counters: the in-memory window vs the SQLite-backed store counter, ${SECONDS} s per case\n`,
);
console.log(
  `${'case'.padEnd(40)}${'memory ops/s'.padStart(12)}${'µs'.padStart(9)}${'SQLite ops/s'.padStart(14)}${'µs'.padStart(9)}   SQLite/memory`,
);
const row = (label: string, memory: number, sqlite: number) => {
  console.log(
    `${label.padEnd(40)}${ops(memory)}${us(memory)}  ${ops(sqlite)}${us(sqlite)}   ${(sqlite / memory).toFixed(3)} (${(memory / sqlite).toFixed(0)}× the time)`,
  );
};

for (const keys of [10_000, 100_000]) {
  const memory = new SlidingWindowCounter(HOUR);
  const store = openCounters();
  await fill(memory, store, keys);
  const key = (i: number) => `held-${(i * 7919) % keys}`;
  row(
    `tryHit, keys held, ${keys.toLocaleString('en-US')} keys`,
    await opsPerSecond((i, now) => memory.tryHit(key(i), LIMIT, now)),
    await opsPerSecond((i, now) => store.tryHit(key(i), now, HOUR, LIMIT)),
  );
  row(
    `read, ${keys.toLocaleString('en-US')} keys`,
    await opsPerSecond((i, now) => memory.count(key(i), now)),
    await opsPerSecond((i, now) => store.read(key(i), now, HOUR)),
  );
}
{
  const memory = new SlidingWindowCounter(HOUR);
  const store = openCounters();
  row(
    'tryHit, a new key on every call',
    await opsPerSecond((i, now) => memory.tryHit(`flood-${i}`, LIMIT, now)),
    await opsPerSecond((i, now) => store.tryHit(`flood-${i}`, now, HOUR, LIMIT)),
  );
}
{
  // A failed sign-in as the app counts it: the check before the password, then the failure.
  const limits = { maxPerAccount: 5, maxPerIp: 20, windowMs: 15 * 60_000, maxPerAccountPerHour: 100 };
  const clock = new ManualClock(1_000_000);
  const throttle = new LoginThrottle(limits, clock, openCounters());
  const signIns = await opsPerSecond(async (i) => {
    clock.advance(1);
    // Many accounts and sources, so no lock-out stops the loop.
    const account = `user:${i % 5000}`;
    const ip = `198.51.${(i >> 8) % 256}.${i % 256}`;
    await throttle.retryAfterSeconds(account, ip);
    await throttle.recordFailure(account, ip);
  });
  console.log(
    `\nA failed sign-in (3 reads + 3 hits in the store): ${ops(signIns).trim()} per second, ${us(signIns).trim()} µs each`,
  );
}

await Promise.all(stores.map((s) => s.close()));
fs.rmSync(dir, { recursive: true, force: true });
