import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../index.js';
import type { Store } from '../store.port.js';
import { fixtureSession, fixtureUser, T0 } from '../store-fixtures.js';
import { SqliteStore } from './sqlite.adapter.js';

/*
 * Issue 13, finding 3: accounts, sessions and password changes acknowledged
 * with synchronous=NORMAL were lost after a forced read-only remount. The
 * level each write commits with is recorded by triggers that read
 * pragma_synchronous inside the writing transaction (2 = FULL, 1 = NORMAL).
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-durability-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Adds a trigger to each table that logs the synchronous level of every insert and update. */
function recordSynchronousLevels(file: string, tables: string[]): Database.Database {
  const db = new Database(file);
  db.exec('CREATE TABLE sync_log (tbl TEXT NOT NULL, level INTEGER NOT NULL)');
  for (const table of tables) {
    for (const event of ['INSERT', 'UPDATE']) {
      db.exec(`CREATE TRIGGER log_${table}_${event} AFTER ${event} ON ${table} BEGIN
        INSERT INTO sync_log SELECT '${table}', synchronous FROM pragma_synchronous; END`);
    }
  }
  return db;
}

async function writeOneOfEach(store: Store): Promise<void> {
  const user = await store.users.create(fixtureUser());
  await store.users.updatePasswordHash(user.id, 'new-hash', T0);
  await store.sessions.create(fixtureSession(user.id));
  await store.passwordResets.create({
    id: randomUUID(),
    userId: user.id,
    tokenHash: randomUUID(),
    createdAt: T0,
    expiresAt: new Date(T0.getTime() + 60_000),
    usedAt: null,
  });
  // The activity log (the history table) stands for the records a crash may lose the last of.
  await store.activity.append({
    id: randomUUID(),
    userId: user.id,
    kind: 'sign_in',
    createdAt: T0,
    ip: null,
    userAgent: null,
    details: {},
  });
}

function levels(db: Database.Database): Record<string, number[]> {
  const rows = db.prepare<[], { tbl: string; level: number }>('SELECT tbl, level FROM sync_log').all();
  const byTable: Record<string, number[]> = {};
  for (const row of rows) {
    (byTable[row.tbl] ??= []).push(row.level);
  }
  return byTable;
}

/** The synchronous level of each table's writes, one of each made through the store `open` gives. */
async function levelsOfWrites(
  name: string,
  open: (file: string) => Promise<Store>,
): Promise<Record<string, number[]>> {
  const file = path.join(dir, `${name}.db`);
  await SqliteStore.open(file).close();
  const log = recordSynchronousLevels(file, ['users', 'sessions', 'password_resets', 'history']);
  const store = await open(file);
  try {
    await writeOneOfEach(store);
  } finally {
    await store.close();
  }
  const result = levels(log);
  log.close();
  return result;
}

describe('durable writes', () => {
  it('the store the server opens commits accounts, password changes, sessions and reset tokens with synchronous=FULL, the activity log with NORMAL', async () => {
    // The factory main.ts and the CLIs use.
    expect(await levelsOfWrites('durable', (file) => createStore({ kind: 'sqlite', file }))).toEqual({
      users: [2, 2],
      sessions: [2],
      password_resets: [2],
      history: [1],
    });
  });

  it('leaves every write at NORMAL without durableWrites (tests and benches that seed in bulk; the bench compares the two)', async () => {
    expect(await levelsOfWrites('normal', (file) => Promise.resolve(SqliteStore.open(file)))).toEqual({
      users: [1, 1],
      sessions: [1],
      password_resets: [1],
      history: [1],
    });
  });
});
