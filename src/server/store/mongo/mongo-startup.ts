import type { Db } from 'mongodb';
import type { Logger } from '../../logger.js';
import { INDEXES, openCollections, type MongoCollections } from './mongo-collections.js';
import type { PromptSearch } from './mongo-search.js';
import { backfillThreads } from './mongo-threads.js';

/**
 * Start-up work after the connection is made: checking the database is
 * CodeGenie's, creating the indexes and moving records written before
 * threads. It runs outside the connect deadline (an index build on a large
 * collection takes as long as it takes), logging each step.
 */

/** A start-up refusal whose message already says what is wrong and what to do. */
export class StartupRefusal extends Error {
  override readonly name = 'StartupRefusal';
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
 * is sent, for the start-up error.
 */
export async function prepareDatabase(
  db: Db,
  where: string,
  step: (operation: string) => void,
  log?: Logger,
  search?: PromptSearch,
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
    await c[name].createIndexes(INDEXES[name]);
    log?.info(
      { mongo: where, collection: c[name].collectionName, done: i + 1, of: names.length },
      'MongoDB: indexes ready',
    );
  }
  await search?.prepare(where, step, log);
  step('moving records written before threads into threads');
  const moved = await backfillThreads(c);
  if (moved > 0) {
    log?.info({ mongo: where, moved }, 'MongoDB: records moved into threads');
  }
}
