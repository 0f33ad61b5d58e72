import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';

/** How long one reading of `PRAGMA data_version` vouches for rows kept in memory, by default. */
export const FOREIGN_CHECK_MS = 1;

export interface ChangeWatchOptions {
  /**
   * How long a reading of `PRAGMA data_version` stands for "no other
   * connection has committed since" (default 1 ms). 0 reads it on every hit.
   */
  foreignCheckMs?: number;
  /** Milliseconds on a monotonic clock; injectable for tests. */
  now?: () => number;
}

/** What a row trigger passes on: SQL expressions over NEW (insert) or OLD (update, delete). */
export interface RowTrigger {
  table: string;
  /** Expressions for an inserted row, e.g. `NEW.id`. */
  inserted: string;
  /** Expressions for an updated or deleted row, e.g. `OLD.id`. */
  old: string;
}

/**
 * What a connection needs to keep rows in memory without ever answering
 * stale data (issue 13: on a light signed-in request, SQLite's two file-lock
 * system calls around every read cost more than everything else the app does).
 *
 * - Changes this connection makes reach `onRowChange` handlers through TEMP
 *   triggers, before the statement returns, whatever code makes them (a
 *   repository method, a transaction, a cascade, a trigger, db:copy).
 * - Changes another connection commits (another instance sharing the file,
 *   a CLI) show in `PRAGMA data_version`; `unchangedElsewhere` reads it and,
 *   when it moved, tells every cache to drop everything. That pragma costs
 *   the same two lock calls as a read, so one reading stands for
 *   `foreignCheckMs` (1 ms): a row another process changes is seen here at
 *   most 1 ms after its commit.
 */
export class ChangeWatch {
  private readonly dataVersion;
  private readonly foreignCheckMs: number;
  private readonly now: () => number;
  private readonly dropAll: (() => void)[] = [];
  private version: number | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private triggers = 0;

  constructor(
    private readonly db: Database.Database,
    options: ChangeWatchOptions = {},
  ) {
    this.foreignCheckMs = options.foreignCheckMs ?? FOREIGN_CHECK_MS;
    this.now = options.now ?? (() => performance.now());
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    // The reading rows kept from now on are checked against (nothing is kept yet).
    this.version = this.dataVersion.get();
    this.checkedAt = this.now();
  }

  /** Whether rows read now may be kept: not inside a transaction, whose writes may still roll back. */
  get canKeep(): boolean {
    return !this.db.inTransaction;
  }

  /** Calls `changed` with the trigger's expressions whenever this connection writes a row of the table. */
  onRowChange(trigger: RowTrigger, changed: (...values: unknown[]) => void): void {
    const fn = `codegenie_rows_changed_${++this.triggers}`;
    this.db.function(fn, { deterministic: false, varargs: true }, (...values: unknown[]) => {
      changed(...values);
      return null;
    });
    const sql = (event: string, values: string) =>
      `CREATE TEMP TRIGGER ${fn}_${event.toLowerCase()} AFTER ${event} ON main.${trigger.table}
         BEGIN SELECT ${fn}(${values}); END;`;
    this.db.exec(
      [sql('INSERT', trigger.inserted), sql('UPDATE', trigger.old), sql('DELETE', trigger.old)].join('\n'),
    );
  }

  /** Registers what drops a cache's every entry when another connection has committed. */
  onForeignChange(drop: () => void): void {
    this.dropAll.push(drop);
  }

  /**
   * True when no other connection has committed since the last reading,
   * read again at most every foreignCheckMs. False (every cache dropped)
   * when one has, or when the reading fails: the caller then reads the table,
   * which reports the failure.
   */
  unchangedElsewhere(): boolean {
    const now = this.now();
    if (now - this.checkedAt < this.foreignCheckMs) {
      return true;
    }
    let version: number | undefined;
    try {
      version = this.dataVersion.get();
    } catch {
      version = undefined;
    }
    if (version !== undefined && version === this.version) {
      this.checkedAt = now;
      return true;
    }
    this.version = version;
    this.checkedAt = version === undefined ? Number.NEGATIVE_INFINITY : now;
    for (const drop of this.dropAll) {
      drop();
    }
    return false;
  }
}

/**
 * Values read from rows, kept by key, each optionally in a group (a user's
 * sessions) that can be forgotten at once. Values are frozen: every caller
 * gets the same object. Not exact on its own: the owner forgets keys from
 * its ChangeWatch triggers, and `get` asks the watch about other connections.
 */
export class RowCache<V extends object> {
  private readonly entries = new Map<string, { value: V; group: string | null }>();
  private readonly groups = new Map<string, Set<string>>();

  constructor(
    private readonly watch: ChangeWatch,
    private readonly maxEntries = 10_000,
  ) {
    watch.onForeignChange(() => {
      this.clear();
    });
  }

  /** The kept value, or undefined: read the table (and `set` what it gave). */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    return entry && this.watch.unchangedElsewhere() ? entry.value : undefined;
  }

  /** Keeps a value just read from the table; the oldest entry goes when full. Frozen in place. */
  set(key: string, value: V, group: string | null = null): void {
    if (!this.watch.canKeep) {
      return;
    }
    this.forget(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) {
        this.forget(oldest.value);
      }
    }
    this.entries.set(key, { value: Object.freeze(value), group });
    if (group !== null) {
      const keys = this.groups.get(group) ?? new Set<string>();
      keys.add(key);
      this.groups.set(group, keys);
    }
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      if (entry.group !== null) {
        this.groups.get(entry.group)?.delete(key);
      }
    }
  }

  forgetGroup(group: string): void {
    for (const key of this.groups.get(group) ?? []) {
      this.entries.delete(key);
    }
    this.groups.delete(group);
  }

  /** The number of values kept (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private clear(): void {
    this.entries.clear();
    this.groups.clear();
  }
}
