import type Database from 'better-sqlite3';
import type { CredentialRepository, PasswordReplaced, ResetCompleted } from '../credentials.port.js';

/** Thrown inside a transaction whose user is gone: it rolls the token back too. */
class UserMissing extends Error {}

/** Runs `change`, null when it rolled back for a missing user. */
function unlessUserMissing<T>(change: () => T): T | null {
  try {
    return change();
  } catch (error) {
    if (error instanceof UserMissing) {
      return null;
    }
    throw error;
  }
}

/**
 * Password changes in SQLite: each one write transaction (BEGIN IMMEDIATE,
 * so it holds the write lock from its first read), which commits the used
 * token, the hash and the deleted sessions together or none of them.
 */
export class SqliteCredentials implements CredentialRepository {
  private readonly reset;
  private readonly replace;

  constructor(db: Database.Database) {
    // The same single-statement check-and-mark as passwordResets.consume.
    const consume = db.prepare<[number, string, number], { user_id: string }>(
      `UPDATE password_resets SET used_at = ?
       WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
    );
    const setHash = db.prepare<[string, number, string]>(
      'UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?',
    );
    const revoke = db.prepare<[string, string | null]>(
      'DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?',
    );
    const change = (userId: string, passwordHash: string, now: Date, keep: string | null): number => {
      if (setHash.run(passwordHash, now.getTime(), userId).changes === 0) {
        throw new UserMissing();
      }
      return revoke.run(userId, keep).changes;
    };
    this.reset = db.transaction((tokenHash: string, passwordHash: string, now: Date) => {
      const token = consume.get(now.getTime(), tokenHash, now.getTime());
      if (token === undefined) {
        return null;
      }
      return { userId: token.user_id, sessionsRevoked: change(token.user_id, passwordHash, now, null) };
    });
    this.replace = db.transaction((userId: string, passwordHash: string, now: Date, keep: string | null) => ({
      sessionsRevoked: change(userId, passwordHash, now, keep),
    }));
  }

  async completeReset(tokenHash: string, passwordHash: string, now: Date): Promise<ResetCompleted | null> {
    return unlessUserMissing(() => this.reset.immediate(tokenHash, passwordHash, now));
  }

  async replacePassword(id: string, hash: string, at: Date, keep?: string): Promise<PasswordReplaced | null> {
    return unlessUserMissing(() => this.replace.immediate(id, hash, at, keep ?? null));
  }
}
