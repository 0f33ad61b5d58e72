import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../errors.js';
import { describeStoreContract } from '../store.contract.js';
import { MIGRATIONS } from './migrations.js';
import { migrate, SqliteStore } from './sqlite.adapter.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-sqlite-'));
let n = 0;
const freshFile = () => path.join(dir, `store-${++n}.db`);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('sqlite', () => Promise.resolve(SqliteStore.open(freshFile())));
// The same contract with every search taking the "common text" plan.
describeStoreContract('sqlite, common-text search plan', () =>
  Promise.resolve(SqliteStore.open(freshFile(), { commonSearchMatches: 1 })),
);

describe('sqlite adapter', () => {
  it('opens the file in WAL mode with foreign keys and secure_delete on', async () => {
    const file = freshFile();
    const store = SqliteStore.open(file);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('applies each migration once, in order, and records it', async () => {
    const file = freshFile();
    await SqliteStore.open(file).close();
    // Re-opening applies nothing new.
    const store = SqliteStore.open(file);
    await store.close();
    const db = new Database(file);
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(migrate(db)).toBe(0);
    expect(
      migrate(db, [
        ...MIGRATIONS,
        { version: 999, name: 'test', sql: 'CREATE TABLE extra (x INTEGER) STRICT' },
      ]),
    ).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toEqual({
      name: 'extra',
    });
    db.close();
  });

  it('rolls back a failing migration entirely', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(() =>
      migrate(db, [
        ...MIGRATIONS,
        { version: 1000, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;' },
      ]),
    ).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations WHERE version = 1000').get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('reports a closed database as unavailable', async () => {
    const store = SqliteStore.open(freshFile());
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
