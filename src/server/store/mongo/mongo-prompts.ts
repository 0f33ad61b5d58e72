import { encodeCursor, pageOf } from '../cursor.js';
import { promptStats, type PromptCounts } from '../prompt-stats.js';
import type {
  PromptOutcome,
  PromptPage,
  PromptQuery,
  PromptRecord,
  PromptRepository,
  PromptListingArgs,
  PromptStats,
  PromptSummaryPage,
} from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { date, limitValue, NEWEST_FIRST, promptListFilter, text } from './mongo-filters.js';
import { QUERY_TIME_LIMIT_MS } from './mongo-time-limit.js';
import { PromptSearch } from './mongo-search.js';
import { searchedDocs, type SearchedDocs } from './mongo-search-scan.js';
import {
  fromPromptDoc,
  fromSummaryDoc,
  outcomeSet,
  SUMMARY_PROJECTION,
  toPromptDoc,
} from './mongo.mapping.js';

interface StatsFacets {
  kinds: { _id: string; n: number }[];
  models: { _id: string; n: number; tokens: number }[];
}

/**
 * The profile's all-time counts: the $match and $project before $facet are
 * answered from the prompts_stats index (userId, kind, modelId,
 * completionTokens) without reading the documents; $facet itself cannot
 * use an index, so nothing else comes before it.
 */
export function statsTotalsPipeline(userId: string): object[] {
  return [
    { $match: { userId } },
    { $project: { _id: 0, kind: 1, modelId: 1, completionTokens: 1 } },
    {
      $facet: {
        kinds: [{ $group: { _id: '$kind', n: { $sum: 1 } } }],
        models: [
          {
            $group: {
              _id: '$modelId',
              n: { $sum: 1 },
              tokens: { $sum: { $ifNull: ['$completionTokens', 0] } },
            },
          },
          { $sort: { n: -1, _id: 1 } },
        ],
      },
    },
  ];
}

/** The per-day counts: the date range in the first $match, so prompts_user is scanned over the range only. */
export function statsDaysPipeline(userId: string, since: Date, until: Date): object[] {
  return [
    { $match: { userId, createdAt: { $gte: since, $lt: until } } },
    {
      $group: {
        _id: { $dateToString: { format: '%Y-%m-%d', date: '$createdAt', timezone: 'UTC' } },
        n: { $sum: 1 },
      },
    },
  ];
}

/** Generations and explanations in MongoDB (`prompts`). */
export class MongoPrompts implements PromptRepository {
  /** History search's mode (Atlas Search or the bounded scan), set at start-up. */
  readonly search: PromptSearch;

  constructor(private readonly c: MongoCollections) {
    this.search = new PromptSearch(c.prompts);
  }

  async create(record: PromptRecord): Promise<PromptRecord> {
    await atBoundary(() => this.c.prompts.insertOne(toPromptDoc(record)));
    return structuredClone(record);
  }

  async finish(id: string, outcome: PromptOutcome): Promise<boolean> {
    const filter = { _id: text(id, 'id') };
    const result = await atBoundary(() => this.c.prompts.updateOne(filter, { $set: outcomeSet(outcome) }));
    return result.matchedCount > 0;
  }

  async findById(id: string): Promise<PromptRecord | null> {
    const filter = { _id: text(id, 'id') };
    const doc = await atBoundary(() => this.c.prompts.findOne(filter));
    return doc ? fromPromptDoc(doc) : null;
  }

  async saveProgress(id: string, output: string, completionTokens: number | null): Promise<boolean> {
    const filter = { _id: text(id, 'id'), status: 'running' as const };
    const result = await atBoundary(() =>
      this.c.prompts.updateOne(filter, { $set: { output, completionTokens } }),
    );
    return result.matchedCount > 0;
  }

  async failRunning(error: { code: string; message: string }, at: Date): Promise<number> {
    const result = await atBoundary(() =>
      this.c.prompts.updateMany(
        { status: 'running' },
        { $set: { status: 'failed', error: { code: error.code, message: error.message }, finishedAt: at } },
      ),
    );
    return result.modifiedCount;
  }

  /**
   * None kept: MongoDB has no triggers, and bumping a counter document on
   * every progress save would double the writes of a streaming run. Every
   * history page is read from the collection.
   */
  async listingRevision(): Promise<null> {
    return null;
  }

  async listForUser(userId: string, query: PromptQuery, limit: number, cursor?: string): Promise<PromptPage> {
    const found = await this.listing({}, userId, query, limit, cursor);
    return limitedPage(
      pageOf(found.docs, limitValue(limit), fromPromptDoc, (p) => p.createdAt),
      found,
    );
  }

  async listSummariesForUser(...args: PromptListingArgs): Promise<PromptSummaryPage> {
    const found = await this.listing({ projection: SUMMARY_PROJECTION }, ...args);
    return limitedPage(
      pageOf(found.docs, limitValue(args[2]), fromSummaryDoc, (p) => p.createdAt),
      found,
    );
  }

  /**
   * One page of a listing (and one more document, to tell whether there is
   * another), newest first, time-limited. A search goes through Atlas Search
   * or the bounded scan (mongo-search-scan.ts).
   */
  private async listing(
    options: { projection?: typeof SUMMARY_PROJECTION },
    ...[userId, query, limit, cursor]: PromptListingArgs
  ): Promise<SearchedDocs> {
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    if (q) {
      return searchedDocs(this.c.prompts, this.search, options, userId, { ...query, q }, limit, cursor);
    }
    const filter = promptListFilter(userId, query, cursor);
    const docs = await atBoundary(() =>
      this.c.prompts
        .find(filter, options)
        .sort(NEWEST_FIRST)
        .limit(limitValue(limit) + 1)
        .maxTimeMS(QUERY_TIME_LIMIT_MS)
        .toArray(),
    );
    return { docs };
  }

  async listThread(userId: string, threadId: string): Promise<PromptRecord[]> {
    const user = text(userId, 'userId');
    const thread = text(threadId, 'threadId');
    const filter = { userId: user, threadId: thread };
    const docs = await atBoundary(() => this.c.prompts.find(filter).sort({ createdAt: 1, _id: 1 }).toArray());
    return docs.map(fromPromptDoc);
  }

  async deleteForUser(userId: string, id: string): Promise<boolean> {
    const filter = { _id: text(id, 'id'), userId: text(userId, 'userId') };
    const doc = await atBoundary(() => this.c.prompts.findOneAndDelete(filter));
    if (!doc) {
      return false;
    }
    const threadId = doc.threadId ?? doc._id;
    const left = await atBoundary(() =>
      this.c.prompts.countDocuments({ userId: filter.userId, threadId }, { limit: 1 }),
    );
    if (left === 0) {
      await atBoundary(() => this.c.threads.deleteOne({ _id: threadId, userId: filter.userId }));
    }
    return true;
  }

  async deleteAllForUser(userId: string): Promise<number> {
    const filter = { userId: text(userId, 'userId') };
    const deleted = (await atBoundary(() => this.c.prompts.deleteMany(filter))).deletedCount;
    await atBoundary(() => this.c.threads.deleteMany(filter));
    return deleted;
  }

  async statsForUser(userId: string, since: Date, until: Date): Promise<PromptStats> {
    const user = text(userId, 'userId');
    const daysPipeline = statsDaysPipeline(user, date(since, 'since'), date(until, 'until'));
    const options = { maxTimeMS: QUERY_TIME_LIMIT_MS };
    const [[facets], days] = await atBoundary(() =>
      Promise.all([
        this.c.prompts.aggregate<StatsFacets>(statsTotalsPipeline(user), options).toArray(),
        this.c.prompts.aggregate<{ _id: string; n: number }>(daysPipeline, options).toArray(),
      ]),
    );
    const counts: PromptCounts = {
      kinds: new Map((facets?.kinds ?? []).map((r) => [r._id, r.n])),
      byModel: (facets?.models ?? []).map((r) => ({
        modelId: r._id,
        count: r.n,
        completionTokens: r.tokens,
      })),
      days: new Map(days.map((r) => [r._id, r.n])),
    };
    return promptStats(counts, since, until);
  }
}

/** A page whose search stopped at the scan window: continue below the window, and say the search was limited. */
function limitedPage<Item>(
  page: { items: Item[]; nextCursor: string | null },
  found: SearchedDocs,
): { items: Item[]; nextCursor: string | null; searchLimited?: true } {
  return found.limitedAt
    ? { items: page.items, nextCursor: encodeCursor(found.limitedAt), searchLimited: true }
    : page;
}
