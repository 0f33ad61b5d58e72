import type { PasswordResetRecord, PasswordResetRepository } from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { date, NEWEST_FIRST, text } from './mongo-filters.js';
import { fromResetDoc, toResetDoc } from './mongo.mapping.js';

/** Password-reset tokens (hashes only) in MongoDB (`password_resets`, TTL on expiresAt). */
export class MongoResets implements PasswordResetRepository {
  constructor(private readonly c: MongoCollections) {}

  async create(reset: PasswordResetRecord): Promise<PasswordResetRecord> {
    await atBoundary(() => this.c.passwordResets.insertOne(toResetDoc(reset)));
    return { ...reset };
  }

  async findByHash(tokenHash: string): Promise<PasswordResetRecord | null> {
    const filter = { tokenHash: text(tokenHash, 'tokenHash') };
    const doc = await atBoundary(() => this.c.passwordResets.findOne(filter));
    return doc ? fromResetDoc(doc) : null;
  }

  async consume(tokenHash: string, now: Date): Promise<PasswordResetRecord | null> {
    // One findOneAndUpdate: the check and the mark are a single atomic
    // document update, so of two simultaneous calls only one matches.
    const filter = {
      tokenHash: text(tokenHash, 'tokenHash'),
      usedAt: null,
      expiresAt: { $gt: date(now, 'now') },
    };
    const doc = await atBoundary(() =>
      this.c.passwordResets.findOneAndUpdate(filter, { $set: { usedAt: now } }, { returnDocument: 'after' }),
    );
    return doc ? fromResetDoc(doc) : null;
  }

  async invalidateUnused(userId: string, now: Date, exceptId?: string): Promise<number> {
    const filter = {
      userId: text(userId, 'userId'),
      usedAt: null,
      ...(exceptId === undefined ? {} : { _id: { $ne: text(exceptId, 'exceptId') } }),
    };
    const result = await atBoundary(() =>
      this.c.passwordResets.updateMany(filter, { $set: { usedAt: date(now, 'now') } }),
    );
    return result.modifiedCount;
  }

  async delete(id: string): Promise<boolean> {
    const filter = { _id: text(id, 'id') };
    return (await atBoundary(() => this.c.passwordResets.deleteOne(filter))).deletedCount > 0;
  }

  async purgeExpired(now: Date): Promise<number> {
    const filter = { expiresAt: { $lte: date(now, 'now') } };
    return (await atBoundary(() => this.c.passwordResets.deleteMany(filter))).deletedCount;
  }

  /** Proposed port addition for db:copy: every token of the user, used and expired ones too, newest first. */
  async listForUser(userId: string): Promise<PasswordResetRecord[]> {
    const filter = { userId: text(userId, 'userId') };
    const docs = await atBoundary(() => this.c.passwordResets.find(filter).sort(NEWEST_FIRST).toArray());
    return docs.map(fromResetDoc);
  }
}
