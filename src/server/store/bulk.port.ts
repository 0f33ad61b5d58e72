/**
 * The storage port's part for `db:copy` (issue 16, item 8): records looked
 * up by id and inserted a page at a time, so a copy into a remote store
 * (MongoDB Atlas) costs two round trips per page instead of two per record,
 * and the activity log read a page at a time, so memory stays bounded. Like
 * store.port.ts, nothing here may mention SQL or a driver; both adapters pass
 * store-bulk.contract.ts.
 */
import type { RepairRunResult } from '../../shared/repair/repair.schemas.js';
import type { ActivityRecord, PromptRecord } from './store.port.js';
import type { ThreadRecord } from './threads.port.js';

/**
 * A prompt record as db:copy reads and writes it: with the test run kept on
 * the turn (Test and fix, repairs.port.ts) when it has one, so a copy
 * carries it and tells a record whose run differs.
 */
export interface PromptCopy extends PromptRecord {
  /** The turn's saved test run; absent when none was saved. */
  testRun?: RepairRunResult;
}

/** What a batch insert did. */
export interface BatchInsertResult {
  /** Records written. */
  inserted: number;
  /**
   * Records whose id the store already held (another copy ran at the same
   * time, or a retried batch), left as they are there; not an error.
   */
  alreadyPresent: number;
}

/** A page of a user's activity log, newest first; `nextCursor` is null on the last page. */
export interface ActivityPage {
  items: ActivityRecord[];
  nextCursor: string | null;
}

/** Reads and writes of many records at once: `store.bulk`. For db:copy. */
export interface BulkRepository {
  /** The prompt records among `ids` the store holds, whoever's, with their test runs, in no particular order: one read. */
  findPrompts(ids: readonly string[]): Promise<PromptCopy[]>;
  /**
   * Inserts the records in one batch (one round trip on MongoDB, one
   * transaction on SQLite). A record whose id is already held is skipped and
   * counted in `alreadyPresent`; the others are inserted all the same. Any
   * other failure throws. A record's `testRun` is saved with it.
   */
  insertPrompts(records: readonly PromptCopy[]): Promise<BatchInsertResult>;
  /** The activity entries among `ids` the store holds, whoever's, in no particular order: one read. */
  findActivity(ids: readonly string[]): Promise<ActivityRecord[]>;
  /** Inserts activity entries in one batch, as insertPrompts. */
  insertActivity(records: readonly ActivityRecord[]): Promise<BatchInsertResult>;
  /** Inserts threads in one batch, as insertPrompts. */
  insertThreads(records: readonly ThreadRecord[]): Promise<BatchInsertResult>;
  /**
   * The user's activity entries, newest first (createdAt, then id), `limit`
   * at most. The cursor is opaque (as the prompt listings'); an invalid one
   * throws InvalidInputError.
   */
  listActivity(userId: string, limit: number, cursor?: string): Promise<ActivityPage>;
}
