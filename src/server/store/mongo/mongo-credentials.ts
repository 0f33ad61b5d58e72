import {
  WriteConcern,
  type ClientSession,
  type Db,
  type MongoClient,
  type TransactionOptions,
} from 'mongodb';
import type { CredentialRepository, PasswordReplaced, ResetCompleted } from '../credentials.port.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary } from './mongo-errors.js';
import { date, text } from './mongo-filters.js';
import { retryTransient } from './mongo-retry.js';

/**
 * A commit acknowledged by a majority of the replica set: one acknowledged
 * by the old primary alone could be rolled back by the failover it precedes.
 */
const TRANSACTION: TransactionOptions = { writeConcern: new WriteConcern('majority') };

/** The token update of a reset: the same atomic check-and-mark as passwordResets.consume. */
function consumeArgs(tokenHash: string, now: Date) {
  const filter = {
    tokenHash: text(tokenHash, 'tokenHash'),
    usedAt: null,
    expiresAt: { $gt: date(now, 'now') },
  };
  return [filter, { $set: { usedAt: now } }] as const;
}

/**
 * Password changes in MongoDB. `deleteMany` is not a retryable write, so
 * the driver would not carry the end of the old sessions over a failover on
 * its own. On a replica set or sharded cluster (Atlas always is one) each
 * change is one transaction through `withTransaction`, which runs it again
 * on a TransientTransactionError and retries its commit: the token, the
 * hash and the sessions change together or not at all, and a reset that
 * failed leaves its link usable. A standalone server (no transactions, and
 * no failover either) gets ordered steps, each retried on a transient error:
 * the token, the sessions, the password, then the sessions again (a session
 * opened with the old password in between ends too). A failure there never
 * leaves an old session alive after the new password; a reset that failed
 * after its token was used needs a new link.
 */
export class MongoCredentials implements CredentialRepository {
  private transactions: Promise<boolean> | undefined;

  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly c: MongoCollections,
  ) {}

  async completeReset(tokenHash: string, passwordHash: string, now: Date): Promise<ResetCompleted | null> {
    const [filter, update] = consumeArgs(tokenHash, now);
    if (await this.supportsTransactions()) {
      return this.inTransaction(async (session) => {
        const token = await this.c.passwordResets.findOneAndUpdate(filter, update, { session });
        const sessionsRevoked = token && (await this.changeIn(session, token.userId, passwordHash, now));
        return token && sessionsRevoked !== null ? { userId: token.userId, sessionsRevoked } : null;
      });
    }
    // Not retried: of two tries, the second would find the token the first used.
    const token = await atBoundary(() => this.c.passwordResets.findOneAndUpdate(filter, update));
    const sessionsRevoked = token && (await this.changeInSteps(token.userId, passwordHash, now));
    return token && sessionsRevoked !== null ? { userId: token.userId, sessionsRevoked } : null;
  }

  async replacePassword(
    userId: string,
    hash: string,
    now: Date,
    keep?: string,
  ): Promise<PasswordReplaced | null> {
    const id = text(userId, 'userId');
    const kept = keep === undefined ? undefined : text(keep, 'keepSessionId');
    const at = date(now, 'now');
    const sessionsRevoked = (await this.supportsTransactions())
      ? await this.inTransaction((session) => this.changeIn(session, id, hash, at, kept))
      : await this.changeInSteps(id, hash, at, kept);
    return sessionsRevoked === null ? null : { sessionsRevoked };
  }

  /**
   * Inside a transaction: driver errors must reach withTransaction as they
   * are (it retries on their labels), so they are translated only outside it.
   * Null (the user is gone) aborts, so a used token is rolled back as well.
   */
  private async changeIn(
    session: ClientSession,
    userId: string,
    passwordHash: string,
    now: Date,
    keep?: string,
  ): Promise<number | null> {
    const set = await this.c.users.updateOne(
      { _id: userId },
      { $set: { passwordHash, updatedAt: now } },
      { session },
    );
    if (set.matchedCount === 0) {
      await session.abortTransaction();
      return null;
    }
    return (await this.c.sessions.deleteMany(this.sessionsOf(userId, keep), { session })).deletedCount;
  }

  /** Without a transaction: the sessions end before the new password is set, and once more after it. */
  private async changeInSteps(
    userId: string,
    passwordHash: string,
    now: Date,
    keep?: string,
  ): Promise<number | null> {
    const revoke = async () =>
      (
        await atBoundary(() =>
          retryTransient(() => this.c.sessions.deleteMany(this.sessionsOf(userId, keep))),
        )
      ).deletedCount;
    const before = await revoke();
    const set = await atBoundary(() =>
      retryTransient(() =>
        this.c.users.updateOne({ _id: userId }, { $set: { passwordHash, updatedAt: now } }),
      ),
    );
    if (set.matchedCount === 0) {
      return null;
    }
    return before + (await revoke());
  }

  private sessionsOf(userId: string, keep?: string) {
    return { userId, ...(keep === undefined ? {} : { _id: { $ne: keep } }) };
  }

  private async inTransaction<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
    return atBoundary(async () => {
      const session = this.client.startSession();
      try {
        return await session.withTransaction(() => work(session), TRANSACTION);
      } finally {
        await session.endSession();
      }
    });
  }

  /**
   * Whether the deployment runs transactions: a replica set member names its
   * set in `hello`, a mongos answers `isdbgrid`. Asked once; asked again
   * after a failure to ask.
   */
  private supportsTransactions(): Promise<boolean> {
    this.transactions ??= atBoundary(() => this.db.command({ hello: 1 })).then(
      (hello) => typeof hello.setName === 'string' || hello.msg === 'isdbgrid',
      (error: unknown) => {
        this.transactions = undefined;
        throw error;
      },
    );
    return this.transactions;
  }
}
