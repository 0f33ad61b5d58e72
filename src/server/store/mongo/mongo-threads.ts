import { threadTitle } from '../../../shared/thread-title.js';
import type { Document, Filter } from 'mongodb';
import { decodeCursor, encodeCursor, type CursorPosition } from '../cursor.js';
import type {
  PromptQuery,
  ThreadPage,
  ThreadRecord,
  ThreadRepository,
  ThreadSummary,
} from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { date, limitValue, promptListFilter, text } from './mongo-filters.js';
import type { PromptSearch } from './mongo-search.js';
import { scanWithinTime, searchCandidates, windowEnd } from './mongo-search-scan.js';
import { QUERY_TIME_LIMIT_MS } from './mongo-time-limit.js';
import { fromThreadDoc, toThreadDoc, type PromptDoc, type ThreadDoc } from './mongo.mapping.js';

/** A thread with its turns' count and its latest turn, as the listing's pipeline returns it. */
type SummaryDoc = ThreadDoc & {
  turnCount: number;
  latest: Pick<PromptDoc, '_id' | 'status' | 'modelId' | 'language'>;
};

const BACKFILL_BATCH = 500;

/** Conversations in MongoDB (`threads`); their turns are documents of `prompts`. */
export class MongoThreads implements ThreadRepository {
  constructor(
    private readonly c: MongoCollections,
    /** The prompts' search mode: a thread search takes the threads of its candidates. */
    private readonly search: PromptSearch,
  ) {}

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

  /**
   * A search (`q`) takes the threads of Atlas Search's candidates where the
   * index can answer; else it scans with the time limit and, cut short,
   * answers from the newest SCAN_WINDOW threads with `searchLimited`.
   */
  async listForUser(userId: string, query: PromptQuery, limit: number, cursor?: string): Promise<ThreadPage> {
    const user = text(userId, 'userId');
    const n = limitValue(limit);
    const match: Document = { userId: user };
    if (cursor !== undefined) {
      const at = decodeCursor(text(cursor, 'cursor'));
      const updatedAt = new Date(at.createdAt);
      // The redundant bound outside the $or bounds the threads_user index scan at the cursor.
      match.updatedAt = { $lte: updatedAt };
      match.$or = [{ updatedAt: { $lt: updatedAt } }, { updatedAt, _id: { $lt: at.id } }];
    }
    // Every filter on one turn: the prompts listing's filter (checked before anything is sent), inside $elemMatch.
    const turnFilter = promptListFilter(user, query);
    const run = (bound?: Document) =>
      this.listing(bound ? { $and: [match, bound] } : match, user, turnFilter, n);
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    let found: { docs: SummaryDoc[]; limitedAt?: CursorPosition };
    if (!q) {
      found = { docs: await run() };
    } else {
      const candidates = await searchCandidates(this.c.prompts, this.search, user, q);
      const threadIds = [...new Set(candidates?.map((c) => c.threadId ?? c._id))];
      found = candidates
        ? { docs: threadIds.length === 0 ? [] : await run({ _id: { $in: threadIds } }) }
        : await scanWithinTime(run, () => windowEnd(this.c.threads, match, 'updatedAt'), n, 'updatedAt');
    }
    const { docs } = found;
    const items = docs.slice(0, n).map((doc): ThreadSummary => ({
      ...fromThreadDoc(doc),
      turnCount: doc.turnCount,
      latest: {
        id: doc.latest._id,
        status: doc.latest.status,
        modelId: doc.latest.modelId,
        language: doc.latest.language,
      },
    }));
    const last = items.at(-1);
    if (found.limitedAt) {
      return { items, nextCursor: encodeCursor(found.limitedAt), searchLimited: true };
    }
    return {
      items,
      nextCursor:
        docs.length > n && last ? encodeCursor({ createdAt: last.updatedAt.getTime(), id: last.id }) : null,
    };
  }

  /** One page of threads from `match` with a turn meeting `turnFilter` (and one more), most recently updated first, time-limited. */
  private async listing(
    match: Document,
    user: string,
    turnFilter: Filter<PromptDoc>,
    n: number,
  ): Promise<SummaryDoc[]> {
    const pipeline = [
      { $match: match },
      { $sort: { updatedAt: -1, _id: -1 } },
      {
        $lookup: {
          from: 'prompts',
          localField: '_id',
          foreignField: 'threadId',
          pipeline: [
            { $match: { userId: user } },
            { $sort: { createdAt: -1, _id: -1 } },
            { $project: { params: 0, sections: 0 } },
          ],
          as: 'turns',
        },
      },
      { $match: { turns: { $elemMatch: turnFilter } } },
      { $limit: n + 1 },
      {
        $project: {
          userId: 1,
          title: 1,
          kind: 1,
          createdAt: 1,
          updatedAt: 1,
          turnCount: { $size: '$turns' },
          latest: { $first: '$turns' },
        },
      },
    ];
    return atBoundary(() =>
      this.c.threads.aggregate<SummaryDoc>(pipeline, { maxTimeMS: QUERY_TIME_LIMIT_MS }).toArray(),
    );
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
