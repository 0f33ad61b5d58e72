import type Database from 'better-sqlite3';
import type { RepairRepository } from '../repairs.port.js';
import type { RepairRunResult } from '../../../shared/repair/repair.schemas.js';

/** Test runs of Test and fix turns: JSON in the `test_run` column of their prompt row (migration 14). */
export class SqliteRepairs implements RepairRepository {
  private readonly save;
  private readonly ofThread;

  constructor(db: Database.Database) {
    this.save = db.prepare<[string, string]>('UPDATE prompts SET test_run = ? WHERE id = ?');
    this.ofThread = db.prepare<[string, string], { id: string; test_run: string }>(
      'SELECT id, test_run FROM prompts WHERE user_id = ? AND thread_id = ? AND test_run IS NOT NULL',
    );
  }

  saveRun(promptId: string, run: RepairRunResult): Promise<boolean> {
    return Promise.resolve(this.save.run(JSON.stringify(run), promptId).changes > 0);
  }

  runsOfThread(userId: string, threadId: string): Promise<Map<string, RepairRunResult>> {
    const rows = this.ofThread.all(userId, threadId);
    return Promise.resolve(new Map(rows.map((r) => [r.id, JSON.parse(r.test_run) as RepairRunResult])));
  }
}
