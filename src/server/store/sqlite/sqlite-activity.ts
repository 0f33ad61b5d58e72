import type Database from 'better-sqlite3';
import type { ActivityKind, ActivityRecord, ActivityRepository } from '../store.port.js';

interface ActivityRow {
  id: string;
  user_id: string;
  kind: string;
  created_at: number;
  ip: string | null;
  user_agent: string | null;
  details: string;
}

function toActivity(row: ActivityRow): ActivityRecord {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind as ActivityKind,
    createdAt: new Date(row.created_at),
    ip: row.ip,
    userAgent: row.user_agent,
    details: JSON.parse(row.details) as ActivityRecord['details'],
  };
}

/** The activity log, in the `history` table. */
export class SqliteActivity implements ActivityRepository {
  private readonly insert;
  private readonly forUser;
  private readonly kindsForUser;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO history (id, user_id, kind, created_at, ip, user_agent, details)
       VALUES (@id, @userId, @kind, @createdAt, @ip, @userAgent, @details)`,
    );
    this.forUser = db.prepare<[string, number], ActivityRow>(
      'SELECT * FROM history WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
    );
    this.kindsForUser = db.prepare<[string, string, number], ActivityRow>(
      `SELECT * FROM history WHERE user_id = ? AND kind IN (SELECT value FROM json_each(?))
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    );
  }

  async append(entry: ActivityRecord): Promise<void> {
    this.insert.run({
      ...entry,
      createdAt: entry.createdAt.getTime(),
      details: JSON.stringify(entry.details),
    });
  }

  async listForUser(userId: string, limit: number): Promise<ActivityRecord[]> {
    return this.forUser.all(userId, limit).map(toActivity);
  }

  async listKindsForUser(
    userId: string,
    kinds: readonly ActivityKind[],
    limit: number,
  ): Promise<ActivityRecord[]> {
    return this.kindsForUser.all(userId, JSON.stringify(kinds), limit).map(toActivity);
  }
}
