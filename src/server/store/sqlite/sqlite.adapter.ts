import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../errors.js';
import { checkpointUntilComplete } from './sqlite-checkpoint.js';
import { guardRepository, sqliteFault, translateSqliteError, type GuardOptions } from './sqlite-faults.js';
import type { Store } from '../store.port.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { SqliteActivity } from './sqlite-activity.js';
import { SqliteCounters } from './sqlite-counters.js';
import { SqliteCredentials } from './sqlite-credentials.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { SqliteRepairs } from './sqlite-repairs.js';
import { SqlitePreferences } from './sqlite-preferences.js';
import { SqliteInstances } from './sqlite-instances.js';
import { SqliteRegistration } from './sqlite-registration.js';
import { COMMON_MATCHES, SqlitePrompts } from './sqlite-prompts.js';
import { SqliteUsage } from './sqlite-usage.js';
import { SqliteBulk } from './sqlite-bulk.js';
import { SqliteResets } from './sqlite-resets.js';
import { SqliteSessions } from './sqlite-sessions.js';
import { ChangeWatch } from './sqlite-row-cache.js';
import { SqliteThreads } from './sqlite-threads.js';
import { SqliteUsers } from './sqlite-users.js';

/** Applies the migrations the database has not seen yet. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  const applied = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
      .all()
      .map((r) => r.version),
  );
  let count = 0;
  const isApplied = db.prepare<[number]>('SELECT 1 FROM schema_migrations WHERE version = ?');
  for (const m of migrations) {
    if (applied.has(m.version)) {
      continue;
    }
    const ran = db
      .transaction(() => {
        // Checked again under the write lock: processes starting at once on a new file (WEB_CONCURRENCY
        // workers, several instances) all saw it missing, and only the first may apply it.
        if (isApplied.get(m.version) !== undefined) {
          return false;
        }
        m.prepare?.(db);
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          Date.now(),
        );
        return true;
      })
      .immediate();
    if (ran) {
      count++;
    }
  }
  return count;
}

/** Tuning knobs, for tests. */
export interface SqliteStoreOptions {
  /** Matches in the whole store above which a search walks the user's records (default 5000). */
  commonSearchMatches?: number;
  /** How long a write waits for another writer's lock before StoreBusyError (STORE_BUSY_TIMEOUT_MS, default 3000). */
  busyTimeoutMs?: number;
  /** How long deleting an account waits for readers of old data to finish (default 30000). */
  checkpointTimeoutMs?: number;
  /**
   * Commit accounts, sessions, reset tokens and queued mail with
   * synchronous=FULL, so an acknowledged change survives a power cut or a
   * failing disk. The factory (store/index.ts), which the server and the
   * CLIs open their store with, turns it on; off by default so tests and
   * benches that seed thousands of records do not fsync each one.
   */
  durableWrites?: boolean;
}

/** Repositories whose writes are fsynced before they are acknowledged (issue 13, finding 3). */
const DURABLE = new Set(['users', 'sessions', 'passwordResets', 'credentials', 'outbox']);
/**
 * The reads of those repositories: run without the two pragma statements of a
 * durable write, which would otherwise cost several times the read itself on
 * every signed-in request (sessions.findWithUser). A read missing here is only
 * slower, never less durable.
 */
const DURABLE_REPO_READS = [
  'findById',
  'findWithUser',
  'findByUsername',
  'findByEmail',
  'findByHash',
  'listActiveForUser',
  'listAllForUser',
  'listAll',
  'listForUser',
  'listDue',
  'nextDueAt',
  'countActiveAdmins',
  'countRunsSince',
  'search',
];

/** What a store file or folder that cannot be written is called at start-up, naming the path. */
function notWritable(file: string, cause: unknown): Error {
  return new Error(
    `The database ${file} cannot be written: its folder ${path.dirname(file)} is read-only or not writable by this user. ` +
      'Make it writable, or set DATA_DIR (or DATABASE_URL) to a writable place.',
    { cause },
  );
}

/** The embedded default store: one SQLite file in WAL mode. */
export class SqliteStore implements Store {
  readonly users: SqliteUsers;
  readonly sessions: SqliteSessions;
  readonly passwordResets: SqliteResets;
  readonly credentials: SqliteCredentials;
  readonly activity: SqliteActivity;
  readonly prompts: SqlitePrompts;
  readonly threads: SqliteThreads;
  readonly outbox: SqliteOutbox;
  readonly repairs: SqliteRepairs;
  readonly preferences: SqlitePreferences;
  readonly instances: SqliteInstances;
  readonly registration: SqliteRegistration;
  readonly counters: SqliteCounters;
  readonly usage: SqliteUsage;
  readonly bulk: SqliteBulk;
  private readonly touchHeader;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteStoreOptions,
  ) {
    // One per connection: the caches of sessions and listing revisions share its data_version reading.
    const watch = new ChangeWatch(db);
    this.users = new SqliteUsers(db);
    this.sessions = new SqliteSessions(db, watch);
    this.passwordResets = new SqliteResets(db);
    this.credentials = new SqliteCredentials(db);
    this.activity = new SqliteActivity(db);
    this.prompts = new SqlitePrompts(db, watch, options.commonSearchMatches);
    this.threads = new SqliteThreads(db, options.commonSearchMatches ?? COMMON_MATCHES);
    this.outbox = new SqliteOutbox(db);
    this.repairs = new SqliteRepairs(db);
    this.preferences = new SqlitePreferences(db);
    this.instances = new SqliteInstances(db);
    this.registration = new SqliteRegistration(db);
    this.counters = new SqliteCounters(db);
    this.usage = new SqliteUsage(db);
    this.bulk = new SqliteBulk(db);
    this.touchHeader = db.transaction(() => {
      const version = Number(db.pragma('user_version', { simple: true }));
      db.pragma(`user_version = ${version}`);
    });
  }

  /** Opens (creating if needed) the database file and applies pending migrations. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    let db: Database.Database;
    try {
      if (file !== ':memory:') {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        // SQLite would open an existing file read-only without a word and fail at the first write.
        fs.accessSync(path.dirname(file), fs.constants.W_OK);
      }
      db = new Database(file);
    } catch (error) {
      throw isUnwritable(error) ? notWritable(file, error) : error;
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Start-up may wait for another process's lock; requests never do (busy_timeout 0 below).
      db.pragma('busy_timeout = 5000');
      // Deleted rows are overwritten, so removed accounts do not linger in the file.
      db.pragma('secure_delete = ON');
      migrate(db);
      db.pragma('busy_timeout = 0');
    } catch (error) {
      db.close();
      throw isUnwritable(error) ? notWritable(file, error) : error;
    }
    return guardStore(new SqliteStore(db, options), db, options);
  }

  /**
   * Checks that a write can happen now, cheaply: one tiny committed write
   * (the header's user_version, rewritten with its own value) that fails at
   * once when another process holds the write lock (StoreBusyError), the
   * disk is full (StoreFullError) or cannot be written (StoreReadOnlyError).
   */
  async checkWrite(): Promise<void> {
    try {
      this.touchHeader.immediate();
      return;
    } catch (error) {
      throw translateSqliteError(error);
    }
  }

  /**
   * Whether the connection is open. A `SELECT 1` would read no page of the
   * file either (a statement without a table takes no lock), so this is the
   * same check without a statement on every health request.
   */
  async ping(): Promise<void> {
    if (!this.db.open) {
      throw new StoreUnavailableError();
    }
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.close();
    }
    return;
  }
}

/** Whether an error at start-up means the file or its folder cannot be written. */
function isUnwritable(error: unknown): boolean {
  if (sqliteFault(error) === 'read_only') {
    return true;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
}

/**
 * The store with every repository guarded (see guardRepository): a locked
 * database is retried between event-loop turns up to busyTimeoutMs, then
 * StoreBusyError; a full or read-only disk becomes StoreFullError or
 * StoreReadOnlyError. Every object property of the store is a repository
 * (the store's methods run on the bare store), so a new one needs no listing here.
 */
function guardStore(store: SqliteStore, db: Database.Database, options: SqliteStoreOptions): SqliteStore {
  const timeoutMs = options.busyTimeoutMs ?? 3000;
  // Not prepared once: SQLite applies this pragma when the statement is compiled, not when it runs.
  const durable = <T>(call: () => T): T => {
    db.pragma('synchronous = FULL');
    try {
      return call();
    } finally {
      db.pragma('synchronous = NORMAL');
    }
  };
  const byName: Record<string, GuardOptions> = {
    // A skipped touch only moves the session's last use later by one touch interval: reads must not wait.
    sessions: { timeoutMs, skipWhenBusy: ['touch'] },
    users: {
      timeoutMs,
      // Deletion is reported only once no page of the account is left in the -wal file.
      after: {
        delete: () => checkpointUntilComplete(db, { timeoutMs: options.checkpointTimeoutMs ?? 30_000 }),
      },
    },
  };
  const guarded = new Map<PropertyKey, unknown>();
  // By the method itself, not its name: a test may replace a method (vi.spyOn) after the first call.
  const bound = new WeakMap<object, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const member: unknown = Reflect.get(target, prop, target);
      if (typeof member === 'function') {
        // The store's own methods (ping, close ...) see the bare store and its private members;
        // bound once, not on every call (health calls ping on every request).
        let method = bound.get(member);
        if (method === undefined) {
          method = (member as (...args: unknown[]) => unknown).bind(target);
          bound.set(member, method);
        }
        return method;
      }
      if (typeof prop !== 'string' || typeof member !== 'object' || member === null || member === db) {
        return member;
      }
      let repo = guarded.get(prop);
      if (repo === undefined) {
        const own = byName[prop] ?? { timeoutMs };
        const around = options.durableWrites === true && DURABLE.has(prop) ? durable : undefined;
        repo = guardRepository(member, { ...own, around, reads: DURABLE_REPO_READS });
        guarded.set(prop, repo);
      }
      return repo;
    },
  });
}
