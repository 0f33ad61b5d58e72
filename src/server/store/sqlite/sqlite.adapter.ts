import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../errors.js';
import type { Store } from '../store.port.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { SqliteActivity } from './sqlite-activity.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { COMMON_MATCHES, SqlitePrompts } from './sqlite-prompts.js';
import { SqliteResets } from './sqlite-resets.js';
import { SqliteSessions } from './sqlite-sessions.js';
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
  for (const m of migrations) {
    if (applied.has(m.version)) {
      continue;
    }
    db.transaction(() => {
      m.prepare?.(db);
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    }).immediate();
    count++;
  }
  return count;
}

/** Tuning knobs, for tests. */
export interface SqliteStoreOptions {
  /** Matches in the whole store above which a search walks the user's records (default 5000). */
  commonSearchMatches?: number;
}

/** The embedded default store: one SQLite file in WAL mode. */
export class SqliteStore implements Store {
  readonly users: SqliteUsers;
  readonly sessions: SqliteSessions;
  readonly passwordResets: SqliteResets;
  readonly activity: SqliteActivity;
  readonly prompts: SqlitePrompts;
  readonly threads: SqliteThreads;
  readonly outbox: SqliteOutbox;
  private readonly ping_;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteStoreOptions,
  ) {
    this.users = new SqliteUsers(db);
    this.sessions = new SqliteSessions(db);
    this.passwordResets = new SqliteResets(db);
    this.activity = new SqliteActivity(db);
    this.prompts = new SqlitePrompts(db, options.commonSearchMatches);
    this.threads = new SqliteThreads(db, options.commonSearchMatches ?? COMMON_MATCHES);
    this.outbox = new SqliteOutbox(db);
    this.ping_ = db.prepare('SELECT 1');
  }

  /** Opens (creating if needed) the database file and applies pending migrations. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (file !== ':memory:') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    }
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      // Deleted rows are overwritten, so removed accounts do not linger in the file.
      db.pragma('secure_delete = ON');
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(db, options);
  }

  async ping(): Promise<void> {
    try {
      this.ping_.get();
      return;
    } catch {
      return Promise.reject(new StoreUnavailableError());
    }
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.close();
    }
    return;
  }
}
