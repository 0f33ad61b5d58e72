import { MongoBulkWriteError, type Collection, type Filter, type OptionalUnlessRequiredId } from 'mongodb';
import type { RepairRunResult } from '../../../shared/repair/repair.schemas.js';
import type { ActivityPage, BatchInsertResult, BulkRepository, PromptCopy } from '../bulk.port.js';
import { decodeCursor, pageOf } from '../cursor.js';
import type { ActivityRecord, ThreadRecord } from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { limitValue, NEWEST_FIRST, text } from './mongo-filters.js';
import { testRunDoc } from './mongo-repairs.js';
import {
  fromActivityDoc,
  fromPromptDoc,
  toActivityDoc,
  toPromptDoc,
  toThreadDoc,
  type ActivityDoc,
  type PromptDoc,
} from './mongo.mapping.js';

/** A prompt document with the turn's test run (mongo-repairs.ts), which the mapping leaves out. */
type PromptCopyDoc = PromptDoc & { testRun?: RepairRunResult };

function fromPromptCopyDoc(doc: PromptCopyDoc): PromptCopy {
  const record: PromptCopy = fromPromptDoc(doc);
  if (doc.testRun !== undefined) {
    record.testRun = testRunDoc(doc.testRun);
  }
  return record;
}

function toPromptCopyDoc(record: PromptCopy): PromptCopyDoc {
  const doc: PromptCopyDoc = toPromptDoc(record);
  if (record.testRun !== undefined) {
    doc.testRun = testRunDoc(record.testRun);
  }
  return doc;
}

/** Duplicate key (11000; 11001 from old servers): the only write error a batch insert takes as "already held". */
const DUPLICATE_KEY = new Set([11000, 11001]);

/**
 * For a batch insert whose only failures are duplicate keys (documents the
 * collection already held: another copy running at the same time), how many
 * there were; undefined for any other error, which must fail the batch.
 * prompts, history and threads have no unique index but _id.
 */
export function duplicatesOnly(error: unknown): number | undefined {
  if (!(error instanceof MongoBulkWriteError) || error.result.getWriteConcernError() !== undefined) {
    return undefined;
  }
  const errors = [error.writeErrors].flat();
  const all = errors.length > 0 && errors.every((e) => DUPLICATE_KEY.has(e.code));
  return all ? errors.length : undefined;
}

/**
 * One insertMany, unordered: the server tries every document even when some
 * fail, so the held ones are skipped and the others inserted, in one round
 * trip (the driver splits only past maxWriteBatchSize or the message size).
 */
async function insertUnordered<D extends { _id: string }>(
  collection: Collection<D>,
  docs: OptionalUnlessRequiredId<D>[],
): Promise<BatchInsertResult> {
  if (docs.length === 0) {
    return { inserted: 0, alreadyPresent: 0 }; // the driver refuses an empty batch
  }
  return atBoundary(async () => {
    try {
      const result = await collection.insertMany(docs, { ordered: false });
      return { inserted: result.insertedCount, alreadyPresent: 0 };
    } catch (error) {
      const held = duplicatesOnly(error);
      if (held === undefined || !(error instanceof MongoBulkWriteError)) {
        throw error;
      }
      return { inserted: error.insertedCount, alreadyPresent: held };
    }
  });
}

/**
 * The documents among `ids` (each checked to be a plain string), with one
 * `$in` find whose first batch holds them all (within 16 MB): no getMore
 * round trips.
 */
async function findByIds<D extends { _id: string }, R>(
  collection: Collection<D>,
  ids: readonly string[],
  from: (doc: D) => R,
): Promise<R[]> {
  if (ids.length === 0) {
    return [];
  }
  const filter = { _id: { $in: ids.map((id) => text(id, 'id')) } } as Filter<D>;
  const docs = await atBoundary(() => collection.find(filter, { batchSize: ids.length }).toArray());
  return docs.map((doc) => from(doc as D));
}

/** db:copy's batch reads and writes in MongoDB: one command per page. */
export class MongoBulk implements BulkRepository {
  constructor(private readonly c: MongoCollections) {}

  async findPrompts(ids: readonly string[]): Promise<PromptCopy[]> {
    return findByIds(this.c.prompts, ids, fromPromptCopyDoc);
  }

  async insertPrompts(records: readonly PromptCopy[]): Promise<BatchInsertResult> {
    return insertUnordered(this.c.prompts, records.map(toPromptCopyDoc));
  }

  async findActivity(ids: readonly string[]): Promise<ActivityRecord[]> {
    return findByIds(this.c.history, ids, fromActivityDoc);
  }

  async insertActivity(records: readonly ActivityRecord[]): Promise<BatchInsertResult> {
    return insertUnordered(this.c.history, records.map(toActivityDoc));
  }

  async insertThreads(records: readonly ThreadRecord[]): Promise<BatchInsertResult> {
    return insertUnordered(this.c.threads, records.map(toThreadDoc));
  }

  async listActivity(userId: string, limit: number, cursor?: string): Promise<ActivityPage> {
    const n = limitValue(limit);
    const filter: Filter<ActivityDoc> = { userId: text(userId, 'userId') };
    if (cursor !== undefined) {
      const at = decodeCursor(text(cursor, 'cursor'));
      const createdAt = new Date(at.createdAt);
      // The outer createdAt bound is redundant for the result; it lets the planner start the scan of
      // history_user (userId, createdAt, _id) at the cursor instead of at the user's newest entry.
      filter.createdAt = { $lte: createdAt };
      filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: at.id } }];
    }
    const docs = await atBoundary(() =>
      this.c.history
        .find(filter)
        .sort(NEWEST_FIRST)
        .limit(n + 1)
        .toArray(),
    );
    return pageOf(docs, n, fromActivityDoc, (e) => e.createdAt);
  }
}
