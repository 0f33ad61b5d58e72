import type { NewUser, UserRecord, UserRepository } from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary, conflict, duplicateKeyField, translateError } from './mongo-errors.js';
import { limitValue, text } from './mongo-filters.js';
import { fromUserDoc, toUserDoc, usernameKey, type UserDoc } from './mongo.mapping.js';

/** Users in MongoDB; the unique indexes are the only duplicate check, so two app instances cannot race past it. */
export class MongoUsers implements UserRepository {
  constructor(private readonly c: MongoCollections) {}

  async create(user: NewUser): Promise<UserRecord> {
    const doc = toUserDoc(user);
    try {
      await this.c.users.insertOne(doc);
    } catch (error) {
      const field = duplicateKeyField(error);
      if (field === undefined) {
        throw translateError(error);
      }
      // Report the username first when both are taken, as SQLite does.
      let name = field;
      if (name !== 'username' && (await this.exists({ usernameKey: doc.usernameKey }))) {
        name = 'username';
      } else if (name === null) {
        name = (await this.exists({ email: doc.email })) ? 'email' : 'id';
      }
      throw conflict(name);
    }
    return fromUserDoc(doc);
  }

  async findById(id: string): Promise<UserRecord | null> {
    return this.findOne({ _id: text(id, 'id') });
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    return this.findOne({ usernameKey: usernameKey(text(username, 'username')) });
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    return this.findOne({ email: text(email, 'email') });
  }

  async updatePasswordHash(id: string, passwordHash: string, at: Date): Promise<boolean> {
    const filter = { _id: text(id, 'id') };
    const result = await atBoundary(() =>
      this.c.users.updateOne(filter, { $set: { passwordHash, updatedAt: at } }),
    );
    return result.matchedCount > 0;
  }

  async updateProfile(
    id: string,
    changes: { displayName?: string | null; email?: string },
    at: Date,
  ): Promise<UserRecord | null> {
    const filter = { _id: text(id, 'id') };
    const set: Partial<UserDoc> = { updatedAt: at };
    if (changes.displayName !== undefined) {
      set.displayName = changes.displayName;
    }
    if (changes.email !== undefined) {
      set.email = changes.email;
    }
    const doc = await atBoundary(() =>
      this.c.users.findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' }),
    );
    return doc ? fromUserDoc(doc) : null;
  }

  /**
   * Ordered deletes, no transaction: the user's sessions, reset tokens,
   * activity, prompts, threads and pending mail first, the user document last. A failure half-way
   * leaves the user in place, so calling again finishes the job; deleting
   * the dependents once more after the user catches a record a request still
   * in flight wrote in between. A transaction would need a replica set and,
   * for a user with a long history, would outgrow its time and size limits.
   */
  async delete(id: string): Promise<boolean> {
    const userId = text(id, 'id');
    await this.deleteDependents(userId);
    const result = await atBoundary(() => this.c.users.deleteOne({ _id: userId }));
    if (result.deletedCount > 0) {
      await this.deleteDependents(userId);
    }
    return result.deletedCount > 0;
  }

  /** Proposed port addition for db:copy: users in id order, `limit` after `afterId`. */
  async listAll(afterId: string | null, limit: number): Promise<UserRecord[]> {
    const n = limitValue(limit);
    if (n === 0) {
      return [];
    }
    const filter = afterId === null ? {} : { _id: { $gt: text(afterId, 'afterId') } };
    const docs = await atBoundary(() => this.c.users.find(filter).sort({ _id: 1 }).limit(n).toArray());
    return docs.map(fromUserDoc);
  }

  private async deleteDependents(userId: string): Promise<void> {
    const filter = { userId };
    await atBoundary(async () => {
      await this.c.sessions.deleteMany(filter);
      await this.c.passwordResets.deleteMany(filter);
      await this.c.history.deleteMany(filter);
      await this.c.prompts.deleteMany(filter);
      await this.c.threads.deleteMany(filter);
      await this.c.outbox.deleteMany(filter);
    });
  }

  private async exists(filter: Partial<UserDoc>): Promise<boolean> {
    return (await atBoundary(() => this.c.users.countDocuments(filter, { limit: 1 }))) > 0;
  }

  private async findOne(filter: Partial<UserDoc>): Promise<UserRecord | null> {
    const doc = await atBoundary(() => this.c.users.findOne(filter));
    return doc ? fromUserDoc(doc) : null;
  }
}
