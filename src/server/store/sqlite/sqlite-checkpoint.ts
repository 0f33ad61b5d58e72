import type Database from 'better-sqlite3';
import { StoreBusyError } from '../../errors.js';
import { retryWhileBusy, type BusyPolicy } from './sqlite-faults.js';

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Folds the whole write-ahead log into the database file and empties it
 * (`wal_checkpoint(TRUNCATE)`), trying again between event-loop turns until
 * it completes. A connection reading an older snapshot (another process, a
 * backup) keeps old pages in the -wal file and blocks the checkpoint, which
 * SQLite reports as busy=1 in the result rather than as an error; ignoring
 * that left a deleted account's rows in the -wal file (issue 13). Each try
 * returns at once (busy_timeout is 0), so the event loop never waits on the
 * reader. StoreBusyError when it has not completed within the policy's time.
 */
export async function checkpointUntilComplete(db: Database.Database, policy: BusyPolicy): Promise<void> {
  const now = policy.now ?? Date.now;
  const deadline = now() + policy.timeoutMs;
  let wait = 2;
  for (;;) {
    const [row] = await retryWhileBusy(
      () => db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointRow[],
      // The deadline is shared: a locked write lock and a lingering reader count against the same time.
      { timeoutMs: Math.max(0, deadline - now()), now },
    );
    if (row === undefined || (row.busy === 0 && row.log <= 0)) {
      return;
    }
    if (now() >= deadline) {
      throw new StoreBusyError();
    }
    await pause(wait);
    wait = Math.min(wait * 2, 100);
  }
}
