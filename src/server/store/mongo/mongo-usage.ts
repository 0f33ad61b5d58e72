import type { UsageCounts, UsageRepository } from '../usage.port.js';
import { COLLECTION_NAMES, type MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { date, limitValue } from './mongo-filters.js';
import { QUERY_TIME_LIMIT_MS } from './mongo-time-limit.js';

interface UsageFacets {
  kinds: { _id: string; count: number }[];
  days: { _id: string; count: number }[];
  models: { _id: string; count: number }[];
  users: { _id: string; count: number; username: string }[];
}

/**
 * Usage across every user in MongoDB: one aggregation over the range. The
 * $match and $project before $facet are answered from the prompts_usage
 * index (createdAt, kind, modelId, userId) without reading the documents;
 * $facet itself cannot use an index, so nothing else comes before it.
 */
export class MongoUsage implements UsageRepository {
  constructor(private readonly c: MongoCollections) {}

  async countBetween(since: Date, until: Date, topUsers: number): Promise<UsageCounts> {
    const count = { $sum: 1 };
    const pipeline = [
      { $match: { createdAt: { $gte: date(since, 'since'), $lt: date(until, 'until') } } },
      { $project: { _id: 0, createdAt: 1, kind: 1, modelId: 1, userId: 1 } },
      {
        $facet: {
          kinds: [{ $group: { _id: '$kind', count } }, { $sort: { _id: 1 } }],
          days: [
            {
              $group: {
                _id: { $dateToString: { format: '%Y-%m-%d', date: '$createdAt', timezone: 'UTC' } },
                count,
              },
            },
            { $sort: { _id: 1 } },
          ],
          models: [{ $group: { _id: '$modelId', count } }, { $sort: { count: -1, _id: 1 } }],
          users: [
            { $group: { _id: '$userId', count } },
            // Users deleted meanwhile drop out at the $unwind, so look a few further.
            { $sort: { count: -1, _id: 1 } },
            { $limit: limitValue(topUsers, 'topUsers') + 10 },
            { $lookup: { from: COLLECTION_NAMES.users, localField: '_id', foreignField: '_id', as: 'user' } },
            { $unwind: '$user' },
            { $limit: limitValue(topUsers, 'topUsers') },
            { $project: { count: 1, username: '$user.username' } },
          ],
        },
      },
    ];
    // Every user's runs of the range: bounded like history search, so a slow scan answers 503 store_timeout.
    const options = { maxTimeMS: QUERY_TIME_LIMIT_MS };
    const [facets] = await atBoundary(() =>
      this.c.prompts.aggregate<UsageFacets>(pipeline, options).toArray(),
    );
    return {
      kinds: (facets?.kinds ?? []).map((r) => ({ kind: r._id, count: r.count })),
      days: (facets?.days ?? []).map((r) => ({ date: r._id, count: r.count })),
      byModel: (facets?.models ?? []).map((r) => ({ modelId: r._id, count: r.count })),
      topUsers: (facets?.users ?? []).map((r) => ({ userId: r._id, username: r.username, count: r.count })),
    };
  }
}
