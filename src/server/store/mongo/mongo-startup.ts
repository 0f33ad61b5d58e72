import type { Db } from 'mongodb';
import type { Logger } from '../../logger.js';
import { INDEXES, openCollections, type MongoCollections } from './mongo-collections.js';
import { SEARCH_INDEX_NAME, type PromptSearch } from './mongo-search.js';
import { backfillThreads } from './mongo-threads.js';

/**
 * Start-up work after the connection is made: checking the database is
 * CodeGenie's, creating the indexes and moving records written before
 * threads. It runs outside the connect deadline (an index build on a large
 * collection takes as long as it takes), logging each step; each index
 * request has a deadline of its own (MONGODB_INDEX_TIMEOUT_MINUTES), so a
 * server that never answers one stops start-up with a message naming the
 * index instead of hanging it for ever.
 */

/** A start-up refusal whose message already says what is wrong and what to do. */
export class StartupRefusal extends Error {
  override readonly name = 'StartupRefusal';
}

/** The index deadline when none is given: MONGODB_INDEX_TIMEOUT_MINUTES' default, 10 minutes. */
export const DEFAULT_INDEX_TIMEOUT_MS = 10 * 60_000;

/** The message for an index request the server did not answer within the deadline. */
export function indexTimeoutMessage(what: string, where: string, timeoutMs: number): string {
  const limit = timeoutMs >= 60_000 ? `${timeoutMs / 60_000} min` : `${timeoutMs} ms`;
  return (
    `MongoDB at ${where} did not answer ${what} within ${limit} (MONGODB_INDEX_TIMEOUT_MINUTES). ` +
    'Building an index over a large collection can take longer, and the server may still be building it: ' +
    'look for an index build in progress on the server, then start CodeGenie again once it has finished, ' +
    'or raise MONGODB_INDEX_TIMEOUT_MINUTES. If the server answers nothing else either, it is overloaded ' +
    'or the connection to it stalls.'
  );
}

/** `work`, or a StartupRefusal with `message()` once `timeoutMs` has passed without its answer. */
async function withinDeadline<T>(work: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    // Promise.race handles `work`'s late rejection (the client is closed after a refusal).
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new StartupRefusal(message()));
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A `users` document without the fields CodeGenie's unique indexes are built on. */
const FOREIGN_USER = { $or: [{ usernameKey: { $exists: false } }, { email: { $exists: false } }] };

/** The message for a database whose `users` were written by another application. */
export function foreignUsersMessage(database: string, where: string): string {
  return (
    `The MongoDB database "${database}" at ${where} already has a users collection whose documents ` +
    'lack the fields CodeGenie indexes (usernameKey, email): it was written by another application, ' +
    'such as the original system, and CodeGenie cannot create its unique indexes over it. ' +
    'Put another database name in the path of DATABASE_URL (for example /codegenie) and move CodeGenie ' +
    'data there with npm run db:copy -- --from <old> --to <new>; records of the original system need a ' +
    'one-off migration to CodeGenie’s fields before CodeGenie can use them (README: MongoDB).'
  );
}

/**
 * Checks the users collection, creates every index (and history search's
 * Atlas Search index where the server has Atlas Search: `search` remembers
 * the mode) and backfills threads. `step` is told each operation before it
 * is sent, for the start-up error. Each collection's createIndexes, and the
 * Atlas Search index's requests together, must answer within
 * `indexTimeoutMs` (default DEFAULT_INDEX_TIMEOUT_MS).
 */
export async function prepareDatabase(
  db: Db,
  where: string,
  step: (operation: string) => void,
  log?: Logger,
  search?: PromptSearch,
  indexTimeoutMs = DEFAULT_INDEX_TIMEOUT_MS,
): Promise<void> {
  const c = openCollections(db);
  step('count on users (checking its documents are CodeGenie’s)');
  // The count command, limited to one: it stops at the first such document.
  const foreign = await db.command({ count: c.users.collectionName, query: FOREIGN_USER, limit: 1 });
  if (typeof foreign.n === 'number' && foreign.n > 0) {
    throw new StartupRefusal(foreignUsersMessage(db.databaseName, where));
  }
  const names = (Object.keys(INDEXES) as (keyof MongoCollections)[]).filter(
    // A collection found by _id alone (shared_secrets) needs none: the server refuses an empty list.
    (name) => INDEXES[name].length > 0,
  );
  log?.info({ mongo: where, collections: names.length }, 'MongoDB: creating indexes');
  for (const [i, name] of names.entries()) {
    step(`createIndexes on ${c[name].collectionName}`);
    const indexNames = INDEXES[name].map((index) => index.name ?? JSON.stringify(index.key)).join(', ');
    await withinDeadline(c[name].createIndexes(INDEXES[name]), indexTimeoutMs, () =>
      indexTimeoutMessage(
        `createIndexes on ${c[name].collectionName} (${indexNames})`,
        where,
        indexTimeoutMs,
      ),
    );
    log?.info(
      { mongo: where, collection: c[name].collectionName, done: i + 1, of: names.length },
      'MongoDB: indexes ready',
    );
  }
  if (search) {
    await withinDeadline(search.prepare(where, step, log), indexTimeoutMs, () =>
      indexTimeoutMessage(`the Atlas Search index ${SEARCH_INDEX_NAME} on prompts`, where, indexTimeoutMs),
    );
  }
  step('moving records written before threads into threads');
  const moved = await backfillThreads(c);
  if (moved > 0) {
    log?.info({ mongo: where, moved }, 'MongoDB: records moved into threads');
  }
}
