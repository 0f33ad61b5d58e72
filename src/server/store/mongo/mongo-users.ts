import type { Filter } from 'mongodb';
import { LastAdminError } from '../../errors.js';
import type { UserRole, UserStatus } from '../../../shared/admin.schemas.js';
import type { UserDeletion, UserPage, UserSearch } from '../admin.port.js';
import { decodeCursor, pageOf } from '../cursor.js';
import type { NewUser, UserRecord, UserRepository } from '../store.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary, conflict, duplicateKeyField, translateError } from './mongo-errors.js';
import { date, escapeRegex, limitValue, NEWEST_FIRST, text } from './mongo-filters.js';
import { retryTransient } from './mongo-retry.js';
import { withAdminGuard } from './mongo-admin-guard.js';
import { claimFirstAdmin, releaseFirstAdmin } from './mongo-registration.js';
import { fromUserDoc, toUserDoc, usernameKey, type UserDoc } from './mongo.mapping.js';

/** An active admin; a document written before roles has no status and counts as active. */
const ACTIVE_ADMIN: Filter<UserDoc> = { role: 'admin', status: { $nin: ['pending', 'disabled'] } };

/**
 * Whether a name or address typed at sign-in or reset could be stored: the
 * schemas admit no `$` at the start of either, so a `$`-string is simply
 * unknown. It is answered without a query rather than refused by the
 * filter guard (`text`), which would make it a 400 where SQLite says 401.
 * Anything but a string still goes to the guard.
 */
function canBeStored(value: unknown): boolean {
  return !(typeof value === 'string' && value.startsWith('$'));
}

/** Users in MongoDB; the unique indexes are the only duplicate check, so two app instances cannot race past it. */
export class MongoUsers implements UserRepository {
  constructor(private readonly c: MongoCollections) {}

  async create(user: NewUser): Promise<UserRecord> {
    // The first account of an empty store claims the first-admin marker; the
    // marker's unique _id lets only one of two simultaneous first accounts win.
    const claimed =
      user.role === undefined &&
      !(await this.exists({})) &&
      (await claimFirstAdmin(this.c, user.id, user.createdAt));
    const doc = toUserDoc({ ...user, role: user.role ?? (claimed ? 'admin' : 'user') });
    try {
      await this.c.users.insertOne(doc);
    } catch (error) {
      if (claimed) {
        await releaseFirstAdmin(this.c, user.id);
      }
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

  /** A `$`-string matches nothing, as on SQLite (sign-in answers 401, not 400): see canBeStored. */
  async findByUsername(username: string): Promise<UserRecord | null> {
    return canBeStored(username)
      ? this.findOne({ usernameKey: usernameKey(text(username, 'username')) })
      : null;
  }

  /** As findByUsername. */
  async findByEmail(email: string): Promise<UserRecord | null> {
    return canBeStored(email) ? this.findOne({ email: text(email, 'email') }) : null;
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
   * Ordered deletes, no transaction, each step retried on transient errors
   * (a failover): the user's reset tokens, history, prompts, threads, pending
   * mail and invitations first, then the sessions, the user document last.
   * A failure half-way leaves the user in place and, until the sessions step,
   * still signed in, so calling again finishes the job (sessions first would
   * sign the user out of an account still holding their data). Deleting the
   * dependents once more after the user catches a record a request still in
   * flight wrote in between. A transaction would, for a user with a long
   * history, outgrow its time and size limits.
   *
   * With `keepAnAdmin`, the last-admin check runs first under the admin
   * guard (mongo-admin-guard.ts), and an active admin that may go stops
   * being an admin there, before any data goes: the long deletion then
   * needs no guard, and a concurrent removal of another admin counts this
   * one out.
   */
  async delete(id: string, options: UserDeletion = {}): Promise<boolean> {
    const userId = text(id, 'id');
    const { keepAnAdmin } = options;
    const alone =
      keepAnAdmin !== undefined &&
      (await withAdminGuard(this.c, userId, () => this.stepDown(userId, keepAnAdmin)));
    await this.deleteDependents(userId);
    const result = await atBoundary(() => retryTransient(() => this.c.users.deleteOne({ _id: userId })));
    if (result.deletedCount > 0) {
      await this.deleteDependents(userId);
    }
    if (alone && result.deletedCount > 0) {
      // The store is empty again: as on SQLite, the next account registered becomes admin.
      await releaseFirstAdmin(this.c);
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
    const steps = [
      () => this.c.passwordResets.deleteMany(filter),
      () => this.c.history.deleteMany(filter),
      () => this.c.prompts.deleteMany(filter),
      () => this.c.threads.deleteMany(filter),
      () => this.c.outbox.deleteMany(filter),
      () => this.c.invitations.deleteMany({ createdBy: userId }),
      // Last: until here a failed deletion leaves the user signed in to try again.
      () => this.c.sessions.deleteMany(filter),
    ];
    for (const step of steps) {
      await atBoundary(() => retryTransient(step));
    }
  }

  /**
   * Under the admin guard: LastAdminError, or an active admin that may go
   * becomes a user. True when it is the last admin and the only account
   * (allowed by `unlessAlone`).
   */
  private async stepDown(
    userId: string,
    keepAnAdmin: NonNullable<UserDeletion['keepAnAdmin']>,
  ): Promise<boolean> {
    const current = await this.findOne({ _id: userId });
    if (current?.role !== 'admin' || current.status !== 'active') {
      return false;
    }
    if (await this.exists({ ...ACTIVE_ADMIN, _id: { $ne: userId } })) {
      await atBoundary(() => this.c.users.updateOne({ _id: userId }, { $set: { role: 'user' } }));
      return false;
    }
    if (keepAnAdmin === 'always' || (await this.exists({ _id: { $ne: userId } }))) {
      throw new LastAdminError();
    }
    return true;
  }

  /**
   * A change that may remove an active admin (to role `user`, or to a status
   * other than `active`) reads, checks and writes under the admin guard
   * (mongo-admin-guard.ts says why not a transaction), so two admins
   * demoting each other at the same instant cannot both pass the check.
   * SQLite's check runs in its write transaction.
   */
  async updateAccess(
    id: string,
    change: { role?: UserRole; status?: UserStatus },
    at: Date,
  ): Promise<UserRecord | null> {
    const userId = text(id, 'id');
    const mayRemove = change.role === 'user' || (change.status !== undefined && change.status !== 'active');
    return mayRemove
      ? withAdminGuard(this.c, userId, () => this.changeAccess(userId, change, at))
      : this.changeAccess(userId, change, at);
  }

  private async changeAccess(
    userId: string,
    change: { role?: UserRole; status?: UserStatus },
    at: Date,
  ): Promise<UserRecord | null> {
    const current = await this.findOne({ _id: userId });
    if (!current) {
      return null;
    }
    const role = change.role ?? current.role;
    const status = change.status ?? current.status;
    const wasAdmin = current.role === 'admin' && current.status === 'active';
    if (wasAdmin && !(role === 'admin' && status === 'active')) {
      const others = { ...ACTIVE_ADMIN, _id: { $ne: userId } };
      if ((await atBoundary(() => this.c.users.countDocuments(others, { limit: 1 }))) === 0) {
        throw new LastAdminError();
      }
    }
    const doc = await atBoundary(() =>
      this.c.users.findOneAndUpdate(
        { _id: userId },
        { $set: { role, status, updatedAt: date(at, 'at') } },
        { returnDocument: 'after' },
      ),
    );
    return doc ? fromUserDoc(doc) : null;
  }

  async countActiveAdmins(): Promise<number> {
    return atBoundary(() => this.c.users.countDocuments(ACTIVE_ADMIN));
  }

  async recordSignIn(id: string, at: Date): Promise<void> {
    const filter = { _id: text(id, 'id') };
    await atBoundary(() => this.c.users.updateOne(filter, { $max: { lastSignInAt: date(at, 'at') } }));
  }

  async search(query: UserSearch, limit: number, cursor?: string): Promise<UserPage> {
    const n = limitValue(limit);
    const and: Filter<UserDoc>[] = [];
    if (cursor !== undefined) {
      const after = decodeCursor(text(cursor, 'cursor'));
      const createdAt = new Date(after.createdAt);
      and.push({ $or: [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: after.id } }] });
    }
    if (query.status !== undefined) {
      const status = text(query.status, 'status');
      // A document written before statuses is active.
      and.push(
        status === 'active'
          ? { status: { $nin: ['pending', 'disabled'] } }
          : { status: status as UserStatus },
      );
    }
    const q = query.q === undefined ? '' : text(query.q, 'q').trim();
    if (q !== '') {
      const match = { $regex: escapeRegex(q), $options: 'i' };
      and.push({ $or: [{ username: match }, { email: match }, { displayName: match }] });
    }
    const filter = and.length > 0 ? { $and: and } : {};
    const docs = await atBoundary(() =>
      this.c.users
        .find(filter)
        .sort(NEWEST_FIRST)
        .limit(n + 1)
        .toArray(),
    );
    return pageOf(docs, n, fromUserDoc, (user) => user.createdAt);
  }

  async countRunsSince(userIds: readonly string[], since: Date): Promise<Map<string, number>> {
    if (userIds.length === 0) {
      return new Map();
    }
    const ids = userIds.map((id) => text(id, 'userIds'));
    const rows = await atBoundary(() =>
      this.c.prompts
        .aggregate<{ _id: string; n: number }>([
          { $match: { userId: { $in: ids }, createdAt: { $gte: date(since, 'since') } } },
          { $group: { _id: '$userId', n: { $sum: 1 } } },
        ])
        .toArray(),
    );
    return new Map(rows.map((row) => [row._id, row.n]));
  }

  private async exists(filter: Filter<UserDoc>): Promise<boolean> {
    return (await atBoundary(() => this.c.users.countDocuments(filter, { limit: 1 }))) > 0;
  }

  private async findOne(filter: Partial<UserDoc>): Promise<UserRecord | null> {
    const doc = await atBoundary(() => this.c.users.findOne(filter));
    return doc ? fromUserDoc(doc) : null;
  }
}
