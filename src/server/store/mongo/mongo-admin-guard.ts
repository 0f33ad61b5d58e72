import { StoreBusyError } from '../../errors.js';
import type { MongoCollections } from './mongo-collections.js';
import { atBoundary, duplicateKeyField, translateError } from './mongo-errors.js';

/** The `settings` document held while an account may stop being an active admin. */
export const ADMIN_GUARD_ID = 'admin-guard';
/**
 * A guard older than this is taken to be left by a holder that died (its
 * process killed mid-change) and is removed. The work it guards is a read, a
 * count and one write: milliseconds, or a few seconds across a failover.
 */
export const ADMIN_GUARD_LEASE_MS = 30_000;
/** Pause between tries while another change holds the guard. */
const RETRY_PAUSE_MS = 20;

/**
 * Runs `work` (a change that may remove an active admin: a demotion, a
 * disabling, a deletion) while holding the admin guard, so that such changes
 * run one at a time across every instance: each counts the other active
 * admins after the previous one has written, and of two admins removing each
 * other at the same instant exactly one succeeds.
 *
 * Why a guard document and not a transaction: transactions need a replica
 * set (a standalone mongod has none), and even there they run at snapshot
 * isolation, under which two transactions that each count the other admin
 * and then write different users both commit (write skew) unless they also
 * write one common document. The guard is that common document, taken by an
 * insert whose unique `_id` lets one holder in (as the first-admin marker
 * does), and it works the same on every deployment. Its cost: a holder that
 * dies leaves it for ADMIN_GUARD_LEASE_MS (the next change waits that long),
 * and the lease is judged by each instance's clock (hosts keep time by NTP).
 *
 * `userId` (whose admin rights are at stake) and the time taken are stored,
 * so a holder releases only its own guard. StoreBusyError when the guard
 * cannot be had within two leases.
 */
export async function withAdminGuard<T>(
  c: MongoCollections,
  userId: string,
  work: () => Promise<T>,
  pause: (ms: number) => Promise<void> = defaultPause,
): Promise<T> {
  const taken = await acquire(c, userId, pause);
  try {
    return await work();
  } finally {
    // A release that fails leaves the guard until its lease ends: the next change waits, none goes unchecked.
    await atBoundary(() => c.settings.deleteOne({ _id: ADMIN_GUARD_ID, userId, updatedAt: taken })).catch(
      () => undefined,
    );
  }
}

async function acquire(
  c: MongoCollections,
  userId: string,
  pause: (ms: number) => Promise<void>,
): Promise<Date> {
  const giveUpAt = Date.now() + 2 * ADMIN_GUARD_LEASE_MS;
  for (;;) {
    const now = new Date();
    try {
      await c.settings.insertOne({ _id: ADMIN_GUARD_ID, userId, updatedAt: now });
      return now;
    } catch (error) {
      if (duplicateKeyField(error) === undefined) {
        throw translateError(error);
      }
    }
    const stale = { _id: ADMIN_GUARD_ID, updatedAt: { $lt: new Date(now.getTime() - ADMIN_GUARD_LEASE_MS) } };
    const removed = await atBoundary(() => c.settings.deleteOne(stale));
    if (removed.deletedCount > 0) {
      continue;
    }
    if (Date.now() >= giveUpAt) {
      throw new StoreBusyError();
    }
    await pause(RETRY_PAUSE_MS);
  }
}

function defaultPause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
