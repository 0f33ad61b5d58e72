import type Database from 'better-sqlite3';
import type { RepairRunResult } from '../../../shared/repair/repair.schemas.js';
import type { ActivityPage, BatchInsertResult, BulkRepository, PromptCopy } from '../bulk.port.js';
import { decodeCursor, pageOf } from '../cursor.js';
import type { ActivityRecord, ThreadRecord } from '../store.port.js';
import { activityParams, INSERT_ACTIVITY, toActivity, type ActivityRow } from './sqlite-activity.js';
import { INSERT_PROMPT, promptParams, toPrompt, type PromptRow } from './sqlite-prompts.js';
import { INSERT_THREAD, threadParams } from './sqlite-threads.js';

/** Only a conflict on the id is skipped: any other constraint (a missing user) still fails the batch. */
const SKIP_HELD_ID = ' ON CONFLICT (id) DO NOTHING';

/** A prompt row with its Test and fix run (migration 14), which toPrompt leaves out. */
type PromptCopyRow = PromptRow & { test_run: string | null };

function toPromptCopy(row: PromptCopyRow): PromptCopy {
  const record: PromptCopy = toPrompt(row);
  if (row.test_run !== null) {
    record.testRun = JSON.parse(row.test_run) as RepairRunResult;
  }
  return record;
}

/** db:copy's batch reads and writes in SQLite: each batch insert is one transaction. */
export class SqliteBulk implements BulkRepository {
  private readonly promptsById;
  private readonly activityById;
  private readonly activityPage;
  private readonly activityPageAfter;
  private readonly insertPrompt;
  private readonly insertEntry;
  private readonly insertThread;
  private readonly saveRun;

  constructor(private readonly db: Database.Database) {
    this.promptsById = db.prepare<[string], PromptCopyRow>(
      'SELECT * FROM prompts WHERE id IN (SELECT value FROM json_each(?))',
    );
    this.activityById = db.prepare<[string], ActivityRow>(
      'SELECT * FROM history WHERE id IN (SELECT value FROM json_each(?))',
    );
    this.activityPage = db.prepare<[string, number], ActivityRow>(
      'SELECT * FROM history WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
    );
    // Row values: the history_user index (user_id, created_at DESC, id DESC) seeks straight to the position.
    this.activityPageAfter = db.prepare<[string, number, string, number], ActivityRow>(
      `SELECT * FROM history WHERE user_id = ? AND (created_at, id) < (?, ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    );
    this.insertPrompt = db.prepare(INSERT_PROMPT + SKIP_HELD_ID);
    this.insertEntry = db.prepare(INSERT_ACTIVITY + SKIP_HELD_ID);
    this.insertThread = db.prepare(INSERT_THREAD + SKIP_HELD_ID);
    this.saveRun = db.prepare<[string, string]>('UPDATE prompts SET test_run = ? WHERE id = ?');
  }

  async findPrompts(ids: readonly string[]): Promise<PromptCopy[]> {
    return this.promptsById.all(JSON.stringify(ids)).map(toPromptCopy);
  }

  async insertPrompts(records: readonly PromptCopy[]): Promise<BatchInsertResult> {
    // A held record keeps its own run: the run is saved only on a row this batch inserted.
    return this.insertAll(this.insertPrompt, records.map(promptParams), (i) => {
      const record = records[i];
      if (record?.testRun !== undefined) {
        this.saveRun.run(JSON.stringify(record.testRun), record.id);
      }
    });
  }

  async findActivity(ids: readonly string[]): Promise<ActivityRecord[]> {
    return this.activityById.all(JSON.stringify(ids)).map(toActivity);
  }

  async insertActivity(records: readonly ActivityRecord[]): Promise<BatchInsertResult> {
    return this.insertAll(this.insertEntry, records.map(activityParams));
  }

  async insertThreads(records: readonly ThreadRecord[]): Promise<BatchInsertResult> {
    return this.insertAll(this.insertThread, records.map(threadParams));
  }

  async listActivity(userId: string, limit: number, cursor?: string): Promise<ActivityPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = after
      ? this.activityPageAfter.all(userId, after.createdAt, after.id, limit + 1)
      : this.activityPage.all(userId, limit + 1);
    return pageOf(rows, limit, toActivity, (e) => e.createdAt);
  }

  /** One transaction: all rows or (on an error other than a held id) none; `onInserted(i)` after row i went in. */
  private insertAll(
    statement: Database.Statement,
    rows: readonly object[],
    onInserted: (index: number) => void = () => undefined,
  ): BatchInsertResult {
    return this.db.transaction(() => {
      let inserted = 0;
      for (const [i, row] of rows.entries()) {
        const changes = statement.run(row).changes;
        if (changes > 0) {
          onInserted(i);
        }
        inserted += changes;
      }
      return { inserted, alreadyPresent: rows.length - inserted };
    })();
  }
}
