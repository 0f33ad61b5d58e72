import type Database from 'better-sqlite3';
import type { ActivityKind, ActivityRecord, ActivityRepository } from '../store.port.js';

export interface ActivityRow {
  id: string;
  user_id: string;
  kind: string;
  created_at: number;
  ip: string | null;
  user_agent: string | null;
  details: string;
}

export function toActivity(row: ActivityRow): ActivityRecord {
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

/** The insert of one entry (parameters: activityParams); db:copy's batch adds a conflict clause (sqlite-bulk.ts). */
export const INSERT_ACTIVITY = `INSERT INTO history (id, user_id, kind, created_at, ip, user_agent, details)
  VALUES (@id, @userId, @kind, @createdAt, @ip, @userAgent, @details)`;

/** The parameters of INSERT_ACTIVITY for an entry. */
export function activityParams(entry: ActivityRecord) {
  return { ...entry, createdAt: entry.createdAt.getTime(), details: JSON.stringify(entry.details) };
}

/** The activity log, in the `history` table. */
export class SqliteActivity implements ActivityRepository {
  private readonly insert;
  private readonly forUser;
  private readonly kindsForUser;

  constructor(db: Database.Database) {
    this.insert = db.prepare(INSERT_ACTIVITY);
    this.forUser = db.prepare<[string, number], ActivityRow>(
      'SELECT * FROM history WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
    );
    this.kindsForUser = db.prepare<[string, string, number], ActivityRow>(
      `SELECT * FROM history WHERE user_id = ? AND kind IN (SELECT value FROM json_each(?))
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    );
  }

  async append(entry: ActivityRecord): Promise<void> {
    this.insert.run(activityParams(entry));
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
