import type { ActivityKind, ActivityRecord, ActivityRepository } from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { limitValue, NEWEST_FIRST, text } from './mongo-filters.js';
import { fromActivityDoc, toActivityDoc } from './mongo.mapping.js';

/** The activity log, in the `history` collection as the original system named it. */
export class MongoActivity implements ActivityRepository {
  constructor(private readonly c: MongoCollections) {}

  async append(entry: ActivityRecord): Promise<void> {
    await atBoundary(() => this.c.history.insertOne(toActivityDoc(entry)));
  }

  async listForUser(userId: string, limit: number): Promise<ActivityRecord[]> {
    const filter = { userId: text(userId, 'userId') };
    const n = limitValue(limit);
    if (n === 0) {
      return []; // MongoDB reads limit 0 as "no limit"
    }
    const docs = await atBoundary(() => this.c.history.find(filter).sort(NEWEST_FIRST).limit(n).toArray());
    return docs.map(fromActivityDoc);
  }

  async listKindsForUser(
    userId: string,
    kinds: readonly ActivityKind[],
    limit: number,
  ): Promise<ActivityRecord[]> {
    const filter = {
      userId: text(userId, 'userId'),
      kind: { $in: kinds.map((k) => text(k, 'kind') as ActivityKind) },
    };
    const n = limitValue(limit);
    if (n === 0) {
      return [];
    }
    const docs = await atBoundary(() => this.c.history.find(filter).sort(NEWEST_FIRST).limit(n).toArray());
    return docs.map(fromActivityDoc);
  }
}
