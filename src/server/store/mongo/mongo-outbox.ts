import type { OutboxRecord, OutboxRepository } from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { date, limitValue, text } from './mongo-filters.js';
import type { DocOf } from './mongo.mapping.js';

/** `outbox`: mail waiting to be sent; `claimedBy` is the sender holding it (the lease ends at nextAttemptAt). */
export type OutboxDoc = DocOf<OutboxRecord> & { claimedBy?: string };

const EARLIEST_FIRST = { nextAttemptAt: 1, _id: 1 } as const;

/** The document of a record: its id under `_id`, every other field as is. */
export function toOutboxDoc({ id, ...rest }: OutboxRecord): OutboxDoc {
  return { _id: id, ...rest };
}

/** One mail by id; given `owner`, only while that owner holds its claim. */
function byOwner(id: string, owner: string | undefined): { _id: string; claimedBy?: string } {
  const filter = { _id: text(id, 'id') };
  return owner === undefined ? filter : { ...filter, claimedBy: text(owner, 'owner') };
}

/** The record of a document; optional fields missing from a hand-written one read as null. */
export function fromOutboxDoc({ _id, claimedBy: _claim, ...rest }: OutboxDoc): OutboxRecord {
  return { id: _id, ...rest, tokenId: rest.tokenId ?? null, lastError: rest.lastError ?? null };
}

/**
 * Mail waiting to be sent in MongoDB (`outbox`); deleted with its user by
 * MongoUsers.delete. A claim is one findOneAndUpdate per mail on the due
 * filter: the update moves nextAttemptAt past `now`, so a second claimer's
 * filter no longer matches the document (single-document writes are atomic).
 */
export class MongoOutbox implements OutboxRepository {
  constructor(private readonly c: MongoCollections) {}

  async add(mail: OutboxRecord): Promise<void> {
    await atBoundary(() => this.c.outbox.insertOne(toOutboxDoc(mail)));
  }

  async listDue(now: Date, limit: number): Promise<OutboxRecord[]> {
    const n = limitValue(limit);
    if (n === 0) {
      return []; // MongoDB reads limit 0 as "no limit"
    }
    const filter = { nextAttemptAt: { $lte: date(now, 'now') } };
    const docs = await atBoundary(() => this.c.outbox.find(filter).sort(EARLIEST_FIRST).limit(n).toArray());
    return docs.map(fromOutboxDoc);
  }

  async claimDue(now: Date, owner: string, leaseMs: number, limit: number): Promise<OutboxRecord[]> {
    const n = limitValue(limit);
    const filter = { nextAttemptAt: { $lte: date(now, 'now') } };
    const until = date(new Date(now.getTime() + leaseMs), 'leaseMs');
    const update = { $set: { claimedBy: text(owner, 'owner'), nextAttemptAt: until } };
    const won: OutboxRecord[] = [];
    while (won.length < n) {
      const doc = await atBoundary(() =>
        this.c.outbox.findOneAndUpdate(filter, update, { sort: EARLIEST_FIRST, returnDocument: 'before' }),
      );
      if (!doc) {
        break;
      }
      won.push(fromOutboxDoc(doc));
    }
    return won;
  }

  async nextDueAt(): Promise<Date | null> {
    const doc = await atBoundary(() =>
      this.c.outbox.findOne({}, { sort: EARLIEST_FIRST, projection: { nextAttemptAt: 1 } }),
    );
    return doc ? doc.nextAttemptAt : null;
  }

  async reschedule(
    id: string,
    attempts: number,
    nextAttemptAt: Date,
    lastError: string,
    owner?: string,
  ): Promise<boolean> {
    const update = {
      $set: {
        attempts: limitValue(attempts, 'attempts'),
        nextAttemptAt: date(nextAttemptAt, 'nextAttemptAt'),
        // A value set, never matched: a leading `$` means nothing here.
        lastError,
      },
      $unset: { claimedBy: '' },
    } as const;
    const result = await atBoundary(() => this.c.outbox.updateOne(byOwner(id, owner), update));
    return result.matchedCount > 0;
  }

  async delete(id: string, owner?: string): Promise<boolean> {
    const filter = byOwner(id, owner);
    return (await atBoundary(() => this.c.outbox.deleteOne(filter))).deletedCount > 0;
  }

  async listForUser(userId: string): Promise<OutboxRecord[]> {
    const filter = { userId: text(userId, 'userId') };
    const docs = await atBoundary(() => this.c.outbox.find(filter).sort(EARLIEST_FIRST).toArray());
    return docs.map(fromOutboxDoc);
  }
}
