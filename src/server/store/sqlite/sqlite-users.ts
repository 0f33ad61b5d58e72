import Database from 'better-sqlite3';
import { ConflictError, LastAdminError } from '../../errors.js';
import { MESSAGES } from '../../../shared/messages.js';
import type { UserRole, UserStatus } from '../../../shared/admin.schemas.js';
import type { UserDeletion, UserPage, UserSearch } from '../admin.port.js';
import { decodeCursor, pageOf } from '../cursor.js';
import type { NewUser, UserRecord, UserRepository } from '../store.port.js';

/** A `users` row as SQLite returns it. */
export interface UserRow {
  id: string;
  username: string;
  email: string;
  display_name: string | null;
  password_hash: string;
  created_at: number;
  updated_at: number;
  role: string;
  status: string;
  last_sign_in_at: number | null;
}

/** Maps a row to the domain record. */
export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    role: row.role === 'admin' ? 'admin' : 'user',
    status: row.status === 'pending' || row.status === 'disabled' ? row.status : 'active',
    lastSignInAt: row.last_sign_in_at === null ? null : new Date(row.last_sign_in_at),
  };
}

/** `LIKE` pattern for a substring, with `\` escaping the wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

/** Users in SQLite; usernames are unique under NOCASE collation. */
export class SqliteUsers implements UserRepository {
  private readonly insert;
  private readonly byId;
  private readonly byUsername;
  private readonly byEmail;
  private readonly setHash;
  private readonly setProfile;
  private readonly deleteOne;
  private readonly page;
  private readonly anyUser;
  private readonly anyOtherUser;
  private readonly setAccess;
  private readonly otherAdmins;
  private readonly activeAdmins;
  private readonly signIn;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO users (id, username, email, display_name, password_hash, created_at, updated_at,
         role, status, last_sign_in_at)
       VALUES (@id, @username, @email, @displayName, @passwordHash, @createdAt, @createdAt,
         @role, @status, @lastSignInAt)`,
    );
    this.byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    this.byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ? COLLATE NOCASE');
    this.byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
    this.setHash = db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?');
    this.setProfile = db.prepare(
      `UPDATE users SET display_name = CASE WHEN @setName THEN @displayName ELSE display_name END,
         email = coalesce(@email, email), updated_at = @at WHERE id = @id`,
    );
    this.deleteOne = db.prepare('DELETE FROM users WHERE id = ?');
    this.page = db.prepare<[string, number], UserRow>('SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?');
    this.anyUser = db.prepare<[], { one: number }>('SELECT 1 AS one FROM users LIMIT 1');
    this.anyOtherUser = db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM users WHERE id != ? LIMIT 1',
    );
    this.setAccess = db.prepare('UPDATE users SET role = ?, status = ?, updated_at = ? WHERE id = ?');
    this.otherAdmins = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM users WHERE role = 'admin' AND status = 'active' AND id != ?`,
    );
    this.activeAdmins = db.prepare<[], { n: number }>(
      `SELECT count(*) AS n FROM users WHERE role = 'admin' AND status = 'active'`,
    );
    this.signIn = db.prepare(
      'UPDATE users SET last_sign_in_at = max(coalesce(last_sign_in_at, 0), ?) WHERE id = ?',
    );
  }

  async create(user: NewUser): Promise<UserRecord> {
    const insert = this.db.transaction((u: NewUser): UserRecord => {
      // Checked inside the write transaction so the field in conflict is known
      // without parsing the driver's message; the unique indexes stay the
      // final guard against other processes.
      if (this.byUsername.get(u.username)) {
        throw new ConflictError(MESSAGES.usernameTaken, { fields: { username: MESSAGES.usernameTaken } });
      }
      if (this.byEmail.get(u.email)) {
        throw new ConflictError(MESSAGES.emailTaken, { fields: { email: MESSAGES.emailTaken } });
      }
      // Decided inside the write transaction: of two first registrations, even
      // from two processes, only the one that writes first finds no user.
      const role = u.role ?? (this.anyUser.get() ? 'user' : 'admin');
      const record: UserRecord = {
        ...u,
        role,
        status: u.status ?? 'active',
        lastSignInAt: u.lastSignInAt ?? null,
        updatedAt: u.createdAt,
      };
      this.insert.run({
        ...record,
        createdAt: u.createdAt.getTime(),
        lastSignInAt: record.lastSignInAt?.getTime() ?? null,
      });
      return record;
    });
    try {
      return insert.immediate(user);
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError(MESSAGES.usernameTaken, { fields: { username: MESSAGES.usernameTaken } });
      }
      throw error;
    }
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

  async updateProfile(
    id: string,
    changes: { displayName?: string | null; email?: string },
    at: Date,
  ): Promise<UserRecord | null> {
    const update = this.db.transaction(() => {
      if (changes.email !== undefined) {
        const holder = this.byEmail.get(changes.email);
        if (holder && holder.id !== id) {
          throw new ConflictError(MESSAGES.emailTaken, { fields: { email: MESSAGES.emailTaken } });
        }
      }
      this.setProfile.run({
        id,
        setName: changes.displayName !== undefined ? 1 : 0,
        displayName: changes.displayName ?? null,
        email: changes.email ?? null,
        at: at.getTime(),
      });
      return this.byId.get(id);
    });
    const row = update.immediate();
    return row ? toUser(row) : null;
  }

  async delete(id: string, options: UserDeletion = {}): Promise<boolean> {
    // Foreign keys cascade to sessions, password resets, history and prompts
    // in the same transaction; secure_delete overwrites the freed pages.
    // The adapter (sqlite.adapter.ts) then folds the write-ahead log into the
    // file, retrying until complete, so no old page of the user's rows
    // survives in the -wal file either.
    const { keepAnAdmin } = options;
    if (keepAnAdmin === undefined) {
      return this.deleteOne.run(id).changes > 0;
    }
    // Checked in the write transaction (IMMEDIATE: taken before the read), so
    // two admins deleting each other, even from two processes, cannot both pass.
    const remove = this.db.transaction((): boolean => {
      const row = this.byId.get(id);
      if (
        row?.role === 'admin' &&
        row.status === 'active' &&
        (this.otherAdmins.get(id)?.n ?? 0) === 0 &&
        (keepAnAdmin === 'always' || this.anyOtherUser.get(id) !== undefined)
      ) {
        throw new LastAdminError();
      }
      return this.deleteOne.run(id).changes > 0;
    });
    return remove.immediate();
  }

  async listAll(afterId: string | null, limit: number): Promise<UserRecord[]> {
    return this.page.all(afterId ?? '', limit).map(toUser);
  }

  async updateAccess(
    id: string,
    change: { role?: UserRole; status?: UserStatus },
    at: Date,
  ): Promise<UserRecord | null> {
    const update = this.db.transaction((): UserRow | undefined => {
      const row = this.byId.get(id);
      if (!row) {
        return undefined;
      }
      const role = change.role ?? row.role;
      const status = change.status ?? row.status;
      const wasAdmin = row.role === 'admin' && row.status === 'active';
      // Checked in the write transaction, so two admins demoting each other cannot both succeed.
      if (
        wasAdmin &&
        !(role === 'admin' && status === 'active') &&
        (this.otherAdmins.get(id)?.n ?? 0) === 0
      ) {
        throw new LastAdminError();
      }
      this.setAccess.run(role, status, at.getTime(), id);
      return this.byId.get(id);
    });
    const row = update.immediate();
    return row ? toUser(row) : null;
  }

  async countActiveAdmins(): Promise<number> {
    return this.activeAdmins.get()?.n ?? 0;
  }

  async recordSignIn(id: string, at: Date): Promise<void> {
    this.signIn.run(at.getTime(), id);
  }

  async search(query: UserSearch, limit: number, cursor?: string): Promise<UserPage> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (cursor !== undefined) {
      const after = decodeCursor(cursor);
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(after.createdAt, after.createdAt, after.id);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.q !== undefined && query.q !== '') {
      const pattern = likePattern(query.q);
      where.push(
        `(username LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\')`,
      );
      params.push(pattern, pattern, pattern);
    }
    const rows = this.db
      .prepare<(string | number)[], UserRow>(
        `SELECT * FROM users ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(...params, limit + 1);
    return pageOf(rows, limit, toUser, (user) => user.createdAt);
  }

  async countRunsSince(userIds: readonly string[], since: Date): Promise<Map<string, number>> {
    if (userIds.length === 0) {
      return new Map();
    }
    const rows = this.db
      .prepare<(string | number)[], { user_id: string; n: number }>(
        `SELECT user_id, count(*) AS n FROM prompts
         WHERE user_id IN (${userIds.map(() => '?').join(', ')}) AND created_at >= ? GROUP BY user_id`,
      )
      .all(...userIds, since.getTime());
    return new Map(rows.map((row) => [row.user_id, row.n]));
  }
}
