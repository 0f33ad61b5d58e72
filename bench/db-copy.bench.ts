/**
 * `db:copy` throughput (issue 16, item 8): records copied per second from a
 * SQLite file into
 *
 * - a new SQLite file, and
 * - the MongoDB adapter connected to the project's wire-protocol test server
 *   (test/helpers/fake-mongod.ts). The fake runs in this process on loopback
 *   and answers at once: the figure shows what the round trips per record
 *   cost here (driver work, one command each), not Atlas latency, which adds
 *   a network round trip to every command counted below.
 *
 * The source holds BENCH_COPY_USERS users (default 10), each with
 * BENCH_COPY_PROMPTS / users prompts (BENCH_COPY_PROMPTS default 10,000) in
 * threads of two turns, and half as many activity entries as prompts. Prints
 * records written, seconds, records per second and, for MongoDB, the commands
 * the target was sent. Run: `npx tsx bench/db-copy.bench.ts`.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Document } from 'mongodb';
import { copyStore, KINDS, type CopyReport } from '../src/server/cli/store-sync.js';
import { MongoStore } from '../src/server/store/mongo/mongo.adapter.js';
import { SqliteStore } from '../src/server/store/sqlite/sqlite.adapter.js';
import type { Store } from '../src/server/store/store.port.js';
import { fixtureUser, T0 } from '../src/server/store/store-fixtures.js';
import { fixturePrompt } from '../src/server/store/store-prompts.contract.js';
import { FakeMongod } from '../test/helpers/fake-mongod.js';
import { timedMs } from './stats.js';

const USERS = Number(process.env.BENCH_COPY_USERS ?? 10);
const PROMPTS = Number(process.env.BENCH_COPY_PROMPTS ?? 10_000);
const perUser = Math.ceil(PROMPTS / USERS);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-db-copy-bench-'));

async function fillSource(store: Store): Promise<void> {
  for (let u = 0; u < USERS; u++) {
    const user = await store.users.create(fixtureUser());
    let threadId = '';
    for (let i = 0; i < perUser; i++) {
      const id = randomUUID();
      const createdAt = new Date(T0.getTime() + i * 1000);
      const first = i % 2 === 0;
      if (first) {
        threadId = id;
        await store.threads.create({
          id,
          userId: user.id,
          title: `Thread ${i}`,
          kind: 'generate',
          createdAt,
          updatedAt: new Date(createdAt.getTime() + 1000),
        });
      }
      await store.prompts.create(
        fixturePrompt(user.id, {
          id,
          threadId,
          createdAt,
          status: 'completed',
          output: 'def add(a, b):\n    return a + b\n'.repeat(8),
          finishedAt: createdAt,
        }),
      );
      if (first) {
        await store.activity.append({
          id: randomUUID(),
          userId: user.id,
          kind: 'generation',
          createdAt,
          ip: '127.0.0.1',
          userAgent: 'bench',
          details: { modelId: 'deepseek-coder-1.3b' },
        });
      }
    }
  }
}

const written = (r: CopyReport) => KINDS.reduce((sum, k) => sum + r.written[k], 0);

function row(label: string, records: number, ms: number, commands?: number): void {
  const perSecond = Math.round(records / (ms / 1000));
  console.log(
    `${label.padEnd(34)}${String(records).padStart(9)}${(ms / 1000).toFixed(2).padStart(9)}${perSecond
      .toLocaleString('en-US')
      .padStart(12)}${commands === undefined ? '' : String(commands).padStart(11)}`,
  );
}

/** The fake's answer to a write: every document of an insert taken (it has no storage). */
function acceptWrites(command: Document): Document | undefined {
  if (Array.isArray(command.documents)) {
    return { ok: 1, n: command.documents.length };
  }
  return undefined;
}

const source = SqliteStore.open(path.join(dir, 'source.db'));
try {
  await fillSource(source);
  const now = new Date(T0.getTime() + 86_400_000);
  console.log(
    `db:copy: ${USERS} users, ${PROMPTS} prompts in threads of two, ${PROMPTS / 2} activity entries\n`,
  );
  console.log(
    `${'target'.padEnd(34)}${'records'.padStart(9)}${'seconds'.padStart(9)}${'records/s'.padStart(12)}${'commands'.padStart(11)}`,
  );

  const sqliteTarget = SqliteStore.open(path.join(dir, 'target.db'));
  let report: CopyReport | undefined;
  const sqliteMs = await timedMs(async () => {
    report = await copyStore(source, sqliteTarget, now);
  });
  await sqliteTarget.close();
  row('SQLite -> SQLite', report ? written(report) : 0, sqliteMs);

  const fake = new FakeMongod(acceptWrites);
  await fake.start();
  const mongoTarget = await MongoStore.connect(`mongodb://127.0.0.1:${fake.port}/cg`, {
    serverSelectionTimeoutMs: 1000,
  });
  const before = fake.commands.length;
  const mongoMs = await timedMs(async () => {
    report = await copyStore(source, mongoTarget, now);
  });
  const commands = fake.commands.length - before;
  await mongoTarget.close();
  await fake.stop();
  row('SQLite -> MongoDB (in-process fake)', report ? written(report) : 0, mongoMs, commands);
} finally {
  await source.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
