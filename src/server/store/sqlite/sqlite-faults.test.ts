import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreBusyError, StoreFullError, StoreReadOnlyError } from '../../errors.js';
import { fixtureUser } from '../store-fixtures.js';
import { checkpointUntilComplete } from './sqlite-checkpoint.js';
import { SqliteStore } from './sqlite.adapter.js';
import { guardRepository, retryWhileBusy, sqliteFault, translateSqliteError } from './sqlite-faults.js';

const driverError = (code: string) => new Database.SqliteError(`${code} happened`, code);

describe('sqliteFault and translateSqliteError', () => {
  it.each([
    ['SQLITE_BUSY', 'busy', StoreBusyError],
    ['SQLITE_BUSY_SNAPSHOT', 'busy', StoreBusyError],
    ['SQLITE_LOCKED', 'busy', StoreBusyError],
    ['SQLITE_FULL', 'full', StoreFullError],
    ['SQLITE_READONLY', 'read_only', StoreReadOnlyError],
    ['SQLITE_READONLY_DBMOVED', 'read_only', StoreReadOnlyError],
    ['SQLITE_IOERR_WRITE', 'read_only', StoreReadOnlyError],
    ['SQLITE_CANTOPEN', 'read_only', StoreReadOnlyError],
  ])('%s is %s', (code, fault, type) => {
    expect(sqliteFault(driverError(code))).toBe(fault);
    expect(translateSqliteError(driverError(code))).toBeInstanceOf(type);
  });

  it('leaves other errors as they are', () => {
    const constraint = driverError('SQLITE_CONSTRAINT_UNIQUE');
    const plain = new Error('SQLITE_FULL in the message only');
    expect(sqliteFault(constraint)).toBeUndefined();
    expect(translateSqliteError(constraint)).toBe(constraint);
    expect(translateSqliteError(plain)).toBe(plain);
  });
});

describe('retryWhileBusy', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tries again between event-loop turns until the lock is free', async () => {
    let tries = 0;
    const result = retryWhileBusy(
      () => {
        tries++;
        if (tries < 4) {
          throw driverError('SQLITE_BUSY');
        }
        return 'done';
      },
      { timeoutMs: 3000 },
    );
    // The first try ran at once; the next ones wait for timers, not in a loop.
    expect(tries).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toBe('done');
    expect(tries).toBe(4);
  });

  it('gives up with StoreBusyError once the bound has passed', async () => {
    let tries = 0;
    const result = retryWhileBusy(
      () => {
        tries++;
        throw driverError('SQLITE_BUSY');
      },
      { timeoutMs: 3000 },
    );
    const settled = expect(result).rejects.toBeInstanceOf(StoreBusyError);
    await vi.advanceTimersByTimeAsync(2900);
    const before = tries;
    await vi.advanceTimersByTimeAsync(200);
    await settled;
    expect(before).toBeGreaterThan(10);
    await expect(result.catch((e: unknown) => e)).resolves.toMatchObject({ retryAfterSeconds: 1 });
  });

  it('translates other faults at once, without trying again', async () => {
    let tries = 0;
    await expect(
      retryWhileBusy(
        () => {
          tries++;
          throw driverError('SQLITE_FULL');
        },
        { timeoutMs: 3000 },
      ),
    ).rejects.toBeInstanceOf(StoreFullError);
    expect(tries).toBe(1);
  });
});

describe('guardRepository', () => {
  class Repo {
    calls: string[] = [];
    busyLeft = 0;
    async write(value: string): Promise<string> {
      this.calls.push(value);
      if (this.busyLeft > 0) {
        this.busyLeft--;
        throw driverError('SQLITE_BUSY');
      }
      return this.helper(value);
    }
    async helper(value: string): Promise<string> {
      this.calls.push(`helper ${value}`);
      if (value === 'fail') {
        throw driverError('SQLITE_IOERR_WRITE');
      }
      return value.toUpperCase();
    }
    async touch(): Promise<void> {
      throw driverError('SQLITE_BUSY');
    }
  }

  it('retries and translates each method, runs `around` each try and `after` once, and skips best-effort ones', async () => {
    const repo = new Repo();
    let arounds = 0;
    const around = <T>(call: () => T): T => {
      arounds++;
      return call();
    };
    const after = vi.fn(() => Promise.resolve());
    const guarded = guardRepository(repo, {
      timeoutMs: 1000,
      around,
      skipWhenBusy: ['touch'],
      after: { write: after },
    });
    repo.busyLeft = 2;
    await expect(guarded.write('a')).resolves.toBe('A');
    expect(repo.calls).toEqual(['a', 'a', 'a', 'helper a']);
    expect(arounds).toBe(3);
    expect(after).toHaveBeenCalledTimes(1);
    await expect(guarded.write('fail')).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(guarded.touch()).resolves.toBeUndefined();
    // The same wrapper every time.
    expect(Reflect.get(guarded, 'write')).toBe(Reflect.get(guarded, 'write'));
  });

  it('runs the methods named as reads without `around`, still retried and translated', async () => {
    const repo = new Repo();
    let arounds = 0;
    const around = <T>(call: () => T): T => {
      arounds++;
      return call();
    };
    const guarded = guardRepository(repo, { timeoutMs: 1000, around, reads: ['helper'] });
    await expect(guarded.helper('b')).resolves.toBe('B');
    await expect(guarded.helper('fail')).rejects.toBeInstanceOf(StoreReadOnlyError);
    expect(arounds).toBe(0);
    // Any other method is a write: `around` on each try (one busy, one that succeeds).
    repo.busyLeft = 1;
    await expect(guarded.write('c')).resolves.toBe('C');
    expect(arounds).toBe(2);
  });

  it('guards methods that throw synchronously: never a synchronous throw, busy retried, others translated', async () => {
    let busyLeft = 1;
    const tries: string[] = [];
    const repo = {
      read(id: string): string {
        tries.push(id);
        if (busyLeft > 0) {
          busyLeft--;
          throw driverError('SQLITE_BUSY_RECOVERY');
        }
        if (id === 'full') {
          throw driverError('SQLITE_FULL');
        }
        return id;
      },
      touch(): string {
        throw driverError('SQLITE_BUSY');
      },
    };
    const after = vi.fn(() => Promise.reject(new Error('after failed')));
    const guarded = guardRepository(repo, {
      timeoutMs: 1000,
      skipWhenBusy: ['touch'],
      after: { touch: after },
    });
    const first = guarded.read('a');
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toBe('a');
    expect(tries).toEqual(['a', 'a']);
    await expect(guarded.read('full')).rejects.toBeInstanceOf(StoreFullError);
    // Tried once: only a busy database is tried again.
    expect(tries).toEqual(['a', 'a', 'full']);
    await expect(guarded.touch()).resolves.toBeUndefined();
    expect(after).not.toHaveBeenCalled();
  });
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-sqlite-faults-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('checkpointUntilComplete', () => {
  it('waits for a reader of an old snapshot, then empties the -wal file', async () => {
    const file = path.join(dir, 'c.db');
    // As the adapter's connection: no busy wait inside SQLite (better-sqlite3's default is 5 s).
    const db = new Database(file, { timeout: 0 });
    db.pragma('journal_mode = WAL');
    db.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('secret-row')");
    const reader = new Database(file);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM t').get();
    db.exec('DELETE FROM t');

    // Bounded: with the reader still there it gives up.
    await expect(checkpointUntilComplete(db, { timeoutMs: 50 })).rejects.toBeInstanceOf(StoreBusyError);
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);

    const done = checkpointUntilComplete(db, { timeoutMs: 10_000 });
    reader.exec('ROLLBACK');
    reader.close();
    await done;
    expect(fs.statSync(`${file}-wal`).size).toBe(0);
    db.close();
  });
});

describe('SqliteStore under another writer', () => {
  it('checkWrite fails at once with StoreBusyError, reads go on, a write gives up after its bound; all work after release', async () => {
    const file = path.join(dir, 'locked.db');
    const store = SqliteStore.open(file, { busyTimeoutMs: 200 });
    const user = await store.users.create(fixtureUser());
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.checkWrite()).rejects.toBeInstanceOf(StoreBusyError);
      await expect(store.users.findById(user.id)).resolves.toMatchObject({ id: user.id });
      await expect(store.users.create(fixtureUser())).rejects.toBeInstanceOf(StoreBusyError);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await expect(store.checkWrite()).resolves.toBeUndefined();
    await expect(store.users.create(fixtureUser())).resolves.toMatchObject({
      passwordHash: expect.any(String),
    });
    await store.close();
  });
});
