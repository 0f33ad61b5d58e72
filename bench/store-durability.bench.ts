/**
 * What durable writes cost (issue 13, finding 3). Accounts, sessions,
 * password changes and reset tokens commit with synchronous=FULL (an fsync
 * of the write-ahead log before the answer) so that an acknowledged change
 * survives a power cut or a failing disk; history writes stay at NORMAL.
 * Side by side in one run, on two stores in the same folder (./data, on
 * the disk a default DATA_DIR uses; BENCH_DIR to choose another), interleaved so machine noise hits
 * both alike: the same account writes with durableWrites on (FULL) and off
 * (NORMAL, the old behaviour), their median and p95 per write, and the
 * ratio of the medians. Also the health check's write probe (checkWrite),
 * which runs at most once a second.
 *
 *   npx tsx bench/store-durability.bench.ts   (BENCH_DURABILITY_RUNS, default 300)
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SqliteStore } from '../src/server/store/sqlite/sqlite.adapter.js';
import { fixtureSession, fixtureUser } from '../src/server/store/store-fixtures.js';
import { summary, timedMs } from './stats.js';

const RUNS = Number(process.env.BENCH_DURABILITY_RUNS ?? 300);
const BASE = process.env.BENCH_DIR ?? path.resolve('data');

/** One sign-up's writes: the account, its session, a password change and a reset token. */
async function signUp(store: SqliteStore): Promise<void> {
  const user = await store.users.create(fixtureUser());
  await store.sessions.create(fixtureSession(user.id));
  await store.users.updatePasswordHash(user.id, 'changed', new Date());
  await store.passwordResets.create({
    id: randomUUID(),
    userId: user.id,
    tokenHash: randomUUID(),
    createdAt: new Date(),
    expiresAt: new Date(Date.now() + 60_000),
    usedAt: null,
  });
}

async function main(): Promise<void> {
  // Leave no folder behind that was not there before.
  const made = fs.mkdirSync(BASE, { recursive: true });
  const dir = fs.mkdtempSync(path.join(BASE, 'bench-durability-'));
  const stores = {
    'FULL (durable)': SqliteStore.open(path.join(dir, 'full.db'), { durableWrites: true }),
    'NORMAL (before)': SqliteStore.open(path.join(dir, 'normal.db')),
  };
  try {
    const samples = new Map<string, number[]>(Object.keys(stores).map((k) => [k, []]));
    for (const store of Object.values(stores)) {
      await signUp(store);
    }
    for (let i = 0; i < RUNS; i++) {
      for (const [name, store] of Object.entries(stores)) {
        // Four writes per sign-up: report per write.
        samples.get(name)?.push((await timedMs(() => signUp(store))) / 4);
      }
    }
    const f = (x: number) => x.toFixed(3).padStart(8);
    console.log(`Durable writes: ${RUNS} sign-ups (4 writes each) per store, interleaved, in ${BASE}`);
    const medians: number[] = [];
    for (const [name, xs] of samples) {
      const { median, p95 } = summary(xs);
      medians.push(median);
      console.log(
        `  ${name.padEnd(16)} median ${f(median)} ms  p95 ${f(p95)} ms per write  (~${Math.round(1000 / median)} writes/s)`,
      );
    }
    const [full = 0, normal = 1] = medians;
    console.log(`  FULL / NORMAL ratio of medians ${(full / normal).toFixed(2)}`);

    const probe: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      probe.push(await timedMs(() => stores['FULL (durable)'].checkWrite()));
    }
    const health = summary(probe);
    console.log(
      `Health write probe (checkWrite, at most once a second): median ${f(health.median)} ms  p95 ${f(health.p95)} ms`,
    );
  } finally {
    for (const store of Object.values(stores)) {
      await store.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
    if (made !== undefined) {
      fs.rmSync(made, { recursive: true, force: true });
    }
  }
}

await main();
