import type Database from 'better-sqlite3';
import type { OutboxRecord, OutboxRepository } from '../store.port.js';

interface OutboxRow {
  id: string;
  user_id: string;
  purpose: string;
  payload: string;
  token_id: string | null;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  last_error: string | null;
  claimed_by: string | null;
}

function toOutbox(row: OutboxRow): OutboxRecord {
  return {
    id: row.id,
    userId: row.user_id,
    purpose: row.purpose,
    payload: row.payload,
    tokenId: row.token_id,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    createdAt: new Date(row.created_at),
    lastError: row.last_error,
  };
}

/**
 * Mail waiting to be sent, in the `outbox` table (cascades with its user).
 * A claim is `claimed_by` plus the lease's end in `next_attempt_at`, taken in
 * one IMMEDIATE transaction, so instances on one file never share a mail.
 */
export class SqliteOutbox implements OutboxRepository {
  private readonly insert;
  private readonly due;
  private readonly earliest;
  private readonly update;
  private readonly deleteOne;
  private readonly forUser;
  private readonly take;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO outbox (id, user_id, purpose, payload, token_id, attempts, next_attempt_at, created_at, last_error)
       VALUES (@id, @userId, @purpose, @payload, @tokenId, @attempts, @nextAttemptAt, @createdAt, @lastError)`,
    );
    this.due = db.prepare<[number, number], OutboxRow>(
      'SELECT * FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?',
    );
    this.earliest = db.prepare<[], { at: number | null }>('SELECT min(next_attempt_at) AS at FROM outbox');
    // A null owner acts whoever holds the claim (db:copy, tests); else only while that owner holds it.
    const owned = 'id = @id AND (@owner IS NULL OR claimed_by = @owner)';
    this.update = db.prepare<{
      id: string;
      owner: string | null;
      attempts: number;
      at: number;
      error: string;
    }>(
      `UPDATE outbox SET attempts = @attempts, next_attempt_at = @at, last_error = @error, claimed_by = NULL
       WHERE ${owned}`,
    );
    this.deleteOne = db.prepare<{ id: string; owner: string | null }>(`DELETE FROM outbox WHERE ${owned}`);
    const mark = db.prepare('UPDATE outbox SET claimed_by = ?, next_attempt_at = ? WHERE id = ?');
    // IMMEDIATE: the write lock is taken before the read, so no other connection
    // can claim the same rows between this SELECT and the UPDATEs.
    this.take = db.transaction((now: number, owner: string, until: number, limit: number) => {
      const rows = this.due.all(now, limit);
      for (const row of rows) {
        mark.run(owner, until, row.id);
      }
      return rows;
    });
    this.forUser = db.prepare<[string], OutboxRow>(
      'SELECT * FROM outbox WHERE user_id = ? ORDER BY next_attempt_at, id',
    );
  }

  async add(mail: OutboxRecord): Promise<void> {
    this.insert.run({
      ...mail,
      nextAttemptAt: mail.nextAttemptAt.getTime(),
      createdAt: mail.createdAt.getTime(),
    });
  }

  async listDue(now: Date, limit: number): Promise<OutboxRecord[]> {
    return this.due.all(now.getTime(), limit).map(toOutbox);
  }

  async claimDue(now: Date, owner: string, leaseMs: number, limit: number): Promise<OutboxRecord[]> {
    const t = now.getTime();
    return this.take.immediate(t, owner, t + leaseMs, limit).map(toOutbox);
  }

  async nextDueAt(): Promise<Date | null> {
    const at = this.earliest.get()?.at ?? null;
    return at === null ? null : new Date(at);
  }

  async reschedule(
    id: string,
    attempts: number,
    nextAttemptAt: Date,
    lastError: string,
    owner?: string,
  ): Promise<boolean> {
    const at = nextAttemptAt.getTime();
    return this.update.run({ id, owner: owner ?? null, attempts, at, error: lastError }).changes > 0;
  }

  async delete(id: string, owner?: string): Promise<boolean> {
    return this.deleteOne.run({ id, owner: owner ?? null }).changes > 0;
  }

  async listForUser(userId: string): Promise<OutboxRecord[]> {
    return this.forUser.all(userId).map(toOutbox);
  }
}
