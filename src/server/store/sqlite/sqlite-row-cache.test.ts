import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeWatch, RowCache } from './sqlite-row-cache.js';

/** A cache of `things` rows by id, kept exact by its watch, as the sessions adapter keeps sessions. */
function thingCache(db: Database.Database, watch: ChangeWatch, maxEntries?: number) {
  const cache = new RowCache<{ name: string }>(watch, maxEntries);
  watch.onRowChange({ table: 'things', inserted: 'NEW.id', old: 'OLD.id' }, (id) => {
    cache.forget(String(id));
  });
  const select = db.prepare<[string], string>('SELECT name FROM things WHERE id = ?').pluck();
  const read = (id: string): string | undefined => {
    const kept = cache.get(id);
    if (kept) {
      return kept.name;
    }
    const name = select.get(id);
    if (name !== undefined) {
      cache.set(id, { name });
    }
    return name;
  };
  return { cache, read };
}

describe('ChangeWatch and RowCache', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let other: Database.Database;
  let clock: number;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-row-cache-'));
    file = path.join(dir, 'cache.db');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(
      "CREATE TABLE things (id TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT); INSERT INTO things VALUES ('a', 'one', 'x')",
    );
    // Another connection to the same file, as another instance or a CLI would have.
    other = new Database(file);
    clock = 1_000;
  });

  afterEach(() => {
    db.close();
    other.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers from memory until this connection changes the row, whatever statement changes it', () => {
    const watch = new ChangeWatch(db, { now: () => clock });
    const { cache, read } = thingCache(db, watch);
    expect(read('a')).toBe('one');
    expect(cache.size).toBe(1);
    db.prepare("UPDATE things SET name = 'two' WHERE owner = 'x'").run();
    expect(cache.size).toBe(0);
    expect(read('a')).toBe('two');
    // A change inside a transaction that rolls back forgets too: one read more, never a stale one.
    expect(() =>
      db.transaction(() => {
        db.prepare("UPDATE things SET name = 'three' WHERE id = 'a'").run();
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(read('a')).toBe('two');
    db.prepare("DELETE FROM things WHERE id = 'a'").run();
    expect(read('a')).toBeUndefined();
  });

  it('sees another connection’s commit once foreignCheckMs has passed since its last reading', () => {
    const watch = new ChangeWatch(db, { foreignCheckMs: 1, now: () => clock });
    const { read } = thingCache(db, watch);
    expect(read('a')).toBe('one');
    expect(read('a')).toBe('one'); // the first hit reads data_version
    other.prepare("UPDATE things SET name = 'theirs' WHERE id = 'a'").run();
    clock += 0.5;
    // Within the window one reading stands for "nothing changed elsewhere".
    expect(read('a')).toBe('one');
    clock += 0.5;
    expect(read('a')).toBe('theirs');
  });

  it('with foreignCheckMs 0, sees another connection’s commit at the next read', () => {
    const watch = new ChangeWatch(db, { foreignCheckMs: 0, now: () => clock });
    const { read } = thingCache(db, watch);
    expect(read('a')).toBe('one');
    expect(read('a')).toBe('one');
    other.prepare("UPDATE things SET name = 'theirs' WHERE id = 'a'").run();
    expect(read('a')).toBe('theirs');
  });

  it('drops every cache of the connection when another connection commits', () => {
    const watch = new ChangeWatch(db, { foreignCheckMs: 0, now: () => clock });
    const first = thingCache(db, watch);
    const second = new RowCache<{ n: number }>(watch);
    first.read('a');
    second.set('k', { n: 1 });
    expect(second.get('k')).toEqual({ n: 1 });
    other.exec("INSERT INTO things VALUES ('b', 'unrelated', 'y')");
    expect(second.get('k')).toBeUndefined();
    expect(first.cache.size).toBe(0);
  });

  it('keeps nothing read inside a transaction, and freezes what it keeps', () => {
    const watch = new ChangeWatch(db, { now: () => clock });
    const { cache, read } = thingCache(db, watch);
    db.transaction(() => {
      expect(read('a')).toBe('one');
    })();
    expect(cache.size).toBe(0);
    read('a');
    const kept = cache.get('a');
    expect(Object.isFrozen(kept)).toBe(true);
  });

  it('forgets a group at once, and the oldest entry when full', () => {
    const watch = new ChangeWatch(db, { now: () => clock });
    const cache = new RowCache<{ n: number }>(watch, 2);
    cache.set('s1', { n: 1 }, 'u1');
    cache.set('s2', { n: 2 }, 'u1');
    cache.set('s3', { n: 3 }, 'u2');
    expect(cache.size).toBe(2);
    expect(cache.get('s1')).toBeUndefined();
    cache.forgetGroup('u1');
    expect(cache.get('s2')).toBeUndefined();
    expect(cache.get('s3')).toEqual({ n: 3 });
  });

  it('reads the table when data_version cannot be read, and keeps nothing meanwhile', () => {
    const watch = new ChangeWatch(db, { foreignCheckMs: 0, now: () => clock });
    const cache = new RowCache<{ n: number }>(watch);
    cache.set('k', { n: 1 });
    expect(cache.get('k')).toEqual({ n: 1 });
    db.close();
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
    db = new Database(file);
  });
});
