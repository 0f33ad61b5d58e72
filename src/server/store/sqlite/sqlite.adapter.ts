import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError, StoreUnavailableError } from '../../errors.js';
import { MESSAGES } from '../../../shared/messages.js';
import type {
  NewUser,
  SessionRecord,
  SessionRepository,
  Store,
  UserRecord,
  UserRepository,
} from '../store.port.js';
import { MIGRATIONS, type Migration } from './migrations.js';

interface UserRow {
  id: string;
  username: string;
  email: string;
  display_name: string | null;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: new Date(row.created_at),
    lastUsedAt: new Date(row.last_used_at),
    expiresAt: new Date(row.expires_at),
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

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

class SqliteUsers implements UserRepository {
  private readonly insert;
  private readonly byId;
  private readonly byUsername;
  private readonly byEmail;
  private readonly setHash;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO users (id, username, email, display_name, password_hash, created_at, updated_at)
       VALUES (@id, @username, @email, @displayName, @passwordHash, @createdAt, @createdAt)`,
    );
    this.byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    this.byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ? COLLATE NOCASE');
    this.byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
    this.setHash = db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?');
  }

  async create(user: NewUser): Promise<UserRecord> {
    const insert = this.db.transaction((u: NewUser) => {
      // Checked inside the write transaction so the field in conflict is known
      // without parsing the driver's message; the unique indexes stay the
      // final guard against other processes.
      if (this.byUsername.get(u.username)) {
        throw new ConflictError(MESSAGES.usernameTaken, { fields: { username: MESSAGES.usernameTaken } });
      }
      if (this.byEmail.get(u.email)) {
        throw new ConflictError(MESSAGES.emailTaken, { fields: { email: MESSAGES.emailTaken } });
      }
      this.insert.run({ ...u, createdAt: u.createdAt.getTime() });
    });
    try {
      insert.immediate(user);
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError(MESSAGES.usernameTaken, { fields: { username: MESSAGES.usernameTaken } });
      }
      throw error;
    }
    return { ...user, updatedAt: user.createdAt };
  }

  async findById(id: string): Promise<UserRecord | null> {
    const row = this.byId.get(id);
    return row ? toUser(row) : null;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const row = this.byUsername.get(username);
    return row ? toUser(row) : null;
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const row = this.byEmail.get(email);
    return row ? toUser(row) : null;
  }

  async updatePasswordHash(id: string, passwordHash: string, at: Date): Promise<boolean> {
    return this.setHash.run(passwordHash, at.getTime(), id).changes > 0;
  }
}

class SqliteSessions implements SessionRepository {
  private readonly insert;
  private readonly byId;
  private readonly touchStmt;
  private readonly deleteOne;
  private readonly deleteForUser;
  private readonly activeForUser;
  private readonly deleteExpired;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, ip, user_agent)
       VALUES (@id, @userId, @createdAt, @lastUsedAt, @expiresAt, @ip, @userAgent)`,
    );
    this.byId = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
    this.touchStmt = db.prepare('UPDATE sessions SET last_used_at = max(last_used_at, ?) WHERE id = ?');
    this.deleteOne = db.prepare('DELETE FROM sessions WHERE id = ?');
    this.deleteForUser = db.prepare('DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?');
    this.activeForUser = db.prepare<[string, number, number], SessionRow>(
      `SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? AND last_used_at > ?
       ORDER BY created_at DESC, id DESC`,
    );
    this.deleteExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_used_at <= ?');
  }

  async create(session: SessionRecord): Promise<SessionRecord> {
    this.insert.run({
      ...session,
      createdAt: session.createdAt.getTime(),
      lastUsedAt: session.lastUsedAt.getTime(),
      expiresAt: session.expiresAt.getTime(),
    });
    return { ...session };
  }

  async findById(id: string): Promise<SessionRecord | null> {
    const row = this.byId.get(id);
    return row ? toSession(row) : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    this.touchStmt.run(at.getTime(), id);
    return;
  }

  async revoke(id: string): Promise<boolean> {
    return this.deleteOne.run(id).changes > 0;
  }

  async revokeAllForUser(userId: string, exceptId?: string): Promise<number> {
    return this.deleteForUser.run(userId, exceptId ?? null).changes;
  }

  async listActiveForUser(userId: string, now: Date, idleMs: number): Promise<SessionRecord[]> {
    const rows = this.activeForUser.all(userId, now.getTime(), now.getTime() - idleMs);
    return rows.map(toSession);
  }

  async purgeExpired(now: Date, idleMs: number): Promise<number> {
    return this.deleteExpired.run(now.getTime(), now.getTime() - idleMs).changes;
  }
}

/** The embedded default store: one SQLite file in WAL mode. */
export class SqliteStore implements Store {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  private readonly ping_;

  private constructor(private readonly db: Database.Database) {
    this.users = new SqliteUsers(db);
    this.sessions = new SqliteSessions(db);
    this.ping_ = db.prepare('SELECT 1');
  }

  /** Opens (creating if needed) the database file and applies pending migrations. */
  static open(file: string): SqliteStore {
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
    return new SqliteStore(db);
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
