import Database from 'better-sqlite3';
import { ConflictError } from '../../errors.js';
import { MESSAGES } from '../../../shared/messages.js';
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
  };
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

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO users (id, username, email, display_name, password_hash, created_at, updated_at)
       VALUES (@id, @username, @email, @displayName, @passwordHash, @createdAt, @createdAt)`,
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

  async delete(id: string): Promise<boolean> {
    // Foreign keys cascade to sessions, password resets, history and prompts
    // in the same transaction; secure_delete overwrites the freed pages.
    // The adapter (sqlite.adapter.ts) then folds the write-ahead log into the
    // file, retrying until complete, so no old page of the user's rows
    // survives in the -wal file either.
    return this.deleteOne.run(id).changes > 0;
  }

  async listAll(afterId: string | null, limit: number): Promise<UserRecord[]> {
    return this.page.all(afterId ?? '', limit).map(toUser);
  }
}
