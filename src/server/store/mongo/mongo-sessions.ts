import type { SessionRecord, SessionRepository, UserRecord } from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { date, NEWEST_FIRST, text } from './mongo-filters.js';
import { retryTransient } from './mongo-retry.js';
import { fromSessionDoc, fromUserDoc, toSessionDoc } from './mongo.mapping.js';

/** Server-side sessions in MongoDB (`sessions`, TTL on expiresAt). */
export class MongoSessions implements SessionRepository {
  constructor(private readonly c: MongoCollections) {}

  async create(session: SessionRecord): Promise<SessionRecord> {
    await atBoundary(() => this.c.sessions.insertOne(toSessionDoc(session)));
    return { ...session };
  }

  async findById(id: string): Promise<SessionRecord | null> {
    const filter = { _id: text(id, 'id') };
    const doc = await atBoundary(() => this.c.sessions.findOne(filter));
    return doc ? fromSessionDoc(doc) : null;
  }

  /** Two point reads by _id: cheaper than an aggregate `$lookup` and as exact. */
  async findWithUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | null> {
    const session = await this.findById(id);
    if (!session) {
      return null;
    }
    const doc = await atBoundary(() => this.c.users.findOne({ _id: session.userId }));
    return doc ? { session, user: fromUserDoc(doc) } : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    const filter = { _id: text(id, 'id') };
    // $max: touching never moves last use backwards.
    await atBoundary(() => this.c.sessions.updateOne(filter, { $max: { lastUsedAt: at } }));
  }

  async revoke(id: string): Promise<boolean> {
    const filter = { _id: text(id, 'id') };
    return (await atBoundary(() => this.c.sessions.deleteOne(filter))).deletedCount > 0;
  }

  /**
   * Retried on a transient error: a deleteMany is not a retryable write, and
   * a failover must not leave sessions alive that were meant to end.
   */
  async revokeAllForUser(userId: string, exceptId?: string): Promise<number> {
    const filter = {
      userId: text(userId, 'userId'),
      ...(exceptId === undefined ? {} : { _id: { $ne: text(exceptId, 'exceptId') } }),
    };
    return (await atBoundary(() => retryTransient(() => this.c.sessions.deleteMany(filter)))).deletedCount;
  }

  async listActiveForUser(userId: string, now: Date, idleMs: number): Promise<SessionRecord[]> {
    const filter = {
      userId: text(userId, 'userId'),
      expiresAt: { $gt: date(now, 'now') },
      lastUsedAt: { $gt: new Date(now.getTime() - idleMs) },
    };
    const docs = await atBoundary(() => this.c.sessions.find(filter).sort(NEWEST_FIRST).toArray());
    return docs.map(fromSessionDoc);
  }

  async purgeExpired(now: Date, idleMs: number): Promise<number> {
    const filter = {
      $or: [
        { expiresAt: { $lte: date(now, 'now') } },
        { lastUsedAt: { $lte: new Date(now.getTime() - idleMs) } },
      ],
    };
    return (await atBoundary(() => retryTransient(() => this.c.sessions.deleteMany(filter)))).deletedCount;
  }

  /** Proposed port addition for db:copy: every session of the user, expired and idle ones too, newest first. */
  async listAllForUser(userId: string): Promise<SessionRecord[]> {
    const filter = { userId: text(userId, 'userId') };
    const docs = await atBoundary(() => this.c.sessions.find(filter).sort(NEWEST_FIRST).toArray());
    return docs.map(fromSessionDoc);
  }
}
