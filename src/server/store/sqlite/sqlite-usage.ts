import type Database from 'better-sqlite3';
import type { UsageCounts, UsageRepository } from '../usage.port.js';

type Range = [since: number, until: number];

/**
 * Usage across every user, counted from the `prompts` table. An admin's
 * occasional question: each grouping searches the 30 days in the covering
 * index prompts_created (migration 11) and reads no table row, which is
 * cheap at the sizes one SQLite file serves.
 */
export class SqliteUsage implements UsageRepository {
  private readonly byKind;
  private readonly byDay;
  private readonly byModel;
  private readonly byUser;

  constructor(db: Database.Database) {
    const where = 'WHERE created_at >= ? AND created_at < ?';
    this.byKind = db.prepare<Range, { kind: string; count: number }>(
      `SELECT kind, count(*) AS count FROM prompts ${where} GROUP BY kind ORDER BY kind`,
    );
    this.byDay = db.prepare<Range, { date: string; count: number }>(
      `SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS date, count(*) AS count
       FROM prompts ${where} GROUP BY date ORDER BY date`,
    );
    this.byModel = db.prepare<Range, { modelId: string; count: number }>(
      `SELECT model_id AS modelId, count(*) AS count FROM prompts ${where}
       GROUP BY model_id ORDER BY count DESC, model_id`,
    );
    this.byUser = db.prepare<[...Range, number], { userId: string; username: string; count: number }>(
      `SELECT p.user_id AS userId, u.username AS username, count(*) AS count
       FROM prompts p JOIN users u ON u.id = p.user_id
       WHERE p.created_at >= ? AND p.created_at < ?
       GROUP BY p.user_id ORDER BY count DESC, p.user_id LIMIT ?`,
    );
  }

  async countBetween(since: Date, until: Date, topUsers: number): Promise<UsageCounts> {
    const range: Range = [since.getTime(), until.getTime()];
    return {
      kinds: this.byKind.all(...range),
      days: this.byDay.all(...range),
      byModel: this.byModel.all(...range),
      topUsers: this.byUser.all(...range, topUsers),
    };
  }
}
