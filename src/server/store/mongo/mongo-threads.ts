import { threadTitle } from '../../../shared/thread-title.js';
import type { ThreadRecord, ThreadRepository } from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { date, text } from './mongo-filters.js';
import { fromThreadDoc, toThreadDoc, type PromptDoc } from './mongo.mapping.js';

const BACKFILL_BATCH = 500;

/** Conversations in MongoDB (`threads`); their turns are documents of `prompts`. */
export class MongoThreads implements ThreadRepository {
  constructor(private readonly c: MongoCollections) {}

  async create(thread: ThreadRecord): Promise<ThreadRecord> {
    await atBoundary(() => this.c.threads.insertOne(toThreadDoc(thread)));
    return structuredClone(thread);
  }

  async findForUser(userId: string, id: string): Promise<ThreadRecord | null> {
    const filter = { _id: text(id, 'id'), userId: text(userId, 'userId') };
    const doc = await atBoundary(() => this.c.threads.findOne(filter));
    return doc ? fromThreadDoc(doc) : null;
  }

  async touch(id: string, updatedAt: Date): Promise<boolean> {
    const filter = { _id: text(id, 'id') };
    const set = { updatedAt: date(updatedAt, 'updatedAt') };
    return (await atBoundary(() => this.c.threads.updateOne(filter, { $set: set }))).matchedCount > 0;
  }

  /** The thread first, then its turns: a failure half-way leaves turns no listing reaches, removed again by a retry of deleteAllForUser. */
  async deleteForUser(userId: string, id: string): Promise<boolean> {
    const filter = { _id: text(id, 'id'), userId: text(userId, 'userId') };
    const deleted = (await atBoundary(() => this.c.threads.deleteOne(filter))).deletedCount > 0;
    if (deleted) {
      await atBoundary(() => this.c.prompts.deleteMany({ userId: filter.userId, threadId: filter._id }));
    }
    return deleted;
  }

  async listAllForUser(userId: string): Promise<ThreadRecord[]> {
    const filter = { userId: text(userId, 'userId') };
    const docs = await atBoundary(() => this.c.threads.find(filter).sort({ createdAt: 1, _id: 1 }).toArray());
    return docs.map(fromThreadDoc);
  }
}

/** The one-turn thread of a record written before threads existed. */
export function threadOfRecord(doc: PromptDoc): ThreadRecord {
  return {
    id: doc._id,
    userId: doc.userId,
    title: threadTitle(doc.kind, doc.input, doc.params ?? {}),
    kind: doc.kind,
    createdAt: doc.createdAt,
    updatedAt: doc.finishedAt ?? doc.createdAt,
  };
}

/**
 * The threads migration, run at start-up: every record without a threadId
 * becomes a one-turn thread (threadId = its id, parentId null). Threads are
 * written first and upserted, so a start-up that dies half-way simply
 * continues next time. Returns how many records it moved.
 */
export async function backfillThreads(c: MongoCollections, batch = BACKFILL_BATCH): Promise<number> {
  let moved = 0;
  for (;;) {
    const docs = await c.prompts
      .find({ threadId: { $exists: false } })
      .limit(batch)
      .toArray();
    if (docs.length === 0) {
      return moved;
    }
    await c.threads.bulkWrite(
      docs.map((doc) => {
        const { _id, ...thread } = toThreadDoc(threadOfRecord(doc));
        return { updateOne: { filter: { _id }, update: { $setOnInsert: thread }, upsert: true } };
      }),
    );
    await c.prompts.bulkWrite(
      docs.map((doc) => ({
        updateOne: { filter: { _id: doc._id }, update: { $set: { threadId: doc._id, parentId: null } } },
      })),
    );
    moved += docs.length;
  }
}
