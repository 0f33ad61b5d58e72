import type Database from 'better-sqlite3';
import type { PasswordResetRecord, PasswordResetRepository } from '../store.port.js';

interface ResetRow {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

function toReset(row: ResetRow): PasswordResetRecord {
  return {
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    usedAt: row.used_at === null ? null : new Date(row.used_at),
  };
}

/** Password-reset tokens (hashes only) in SQLite. */
export class SqliteResets implements PasswordResetRepository {
  private readonly insert;
  private readonly byHash;
  private readonly consumeStmt;
  private readonly invalidate;
  private readonly deleteOne;
  private readonly deleteExpired;
  private readonly forUser;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO password_resets (id, user_id, token_hash, created_at, expires_at, used_at)
       VALUES (@id, @userId, @tokenHash, @createdAt, @expiresAt, @usedAt)`,
    );
    this.byHash = db.prepare<[string], ResetRow>('SELECT * FROM password_resets WHERE token_hash = ?');
    // One statement: the check and the mark cannot be split by another writer.
    this.consumeStmt = db.prepare<[number, string, number], ResetRow>(
      `UPDATE password_resets SET used_at = ?
       WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING *`,
    );
    this.invalidate = db.prepare(
      'UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL AND id IS NOT ?',
    );
    this.deleteOne = db.prepare('DELETE FROM password_resets WHERE id = ?');
    this.deleteExpired = db.prepare('DELETE FROM password_resets WHERE expires_at <= ?');
    this.forUser = db.prepare<[string], ResetRow>(
      'SELECT * FROM password_resets WHERE user_id = ? ORDER BY created_at DESC, id DESC',
    );
  }

  async create(reset: PasswordResetRecord): Promise<PasswordResetRecord> {
    this.insert.run({
      ...reset,
      createdAt: reset.createdAt.getTime(),
      expiresAt: reset.expiresAt.getTime(),
      usedAt: reset.usedAt?.getTime() ?? null,
    });
    return { ...reset };
  }

  async findByHash(tokenHash: string): Promise<PasswordResetRecord | null> {
    const row = this.byHash.get(tokenHash);
    return row ? toReset(row) : null;
  }

  async consume(tokenHash: string, now: Date): Promise<PasswordResetRecord | null> {
    const row = this.consumeStmt.get(now.getTime(), tokenHash, now.getTime());
    return row ? toReset(row) : null;
  }

  async invalidateUnused(userId: string, now: Date, exceptId?: string): Promise<number> {
    return this.invalidate.run(now.getTime(), userId, exceptId ?? null).changes;
  }

  async delete(id: string): Promise<boolean> {
    return this.deleteOne.run(id).changes > 0;
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.deleteExpired.run(now.getTime()).changes;
  }

  async listForUser(userId: string): Promise<PasswordResetRecord[]> {
    return this.forUser.all(userId).map(toReset);
  }
}
