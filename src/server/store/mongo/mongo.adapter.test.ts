import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyStore, countStore } from '../../cli/db-copy.js';
import { countsOf } from '../../cli/store-sync.js';
import { describeStoreContract } from '../store.contract.js';
import { fixtureSession, fixtureUser } from '../store-fixtures.js';
import { fixturePrompt } from '../store-prompts.contract.js';
import { COLLECTION_NAMES, INDEXES } from './mongo-collections.js';
import { withDatabase } from './mongo-uri.js';
import { MongoStore } from './mongo.adapter.js';

/**
 * The store contract against a real MongoDB, when MONGODB_TEST_URI points
 * at one (local mongod or an Atlas cluster). It runs in the database the
 * URI names (and `<name>_copy` for the db:copy test), else in a fresh pair
 * per run, and afterwards drops CodeGenie's collections there, never a
 * database: a user with `readWrite` on those databases can run it
 * (`dropDatabase` is not part of that role).
 */
const uri = process.env.MONGODB_TEST_URI ?? '';

/** The database named in the URI's path, if any (userinfo never holds an unescaped `/`). */
function namedDatabase(connection: string): string | undefined {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(connection)?.[1];
  return path === undefined ? undefined : decodeURIComponent(path);
}
if (!uri) {
  console.warn(
    'MongoDB contract run skipped: MONGODB_TEST_URI is not set (e.g. MONGODB_TEST_URI=mongodb://localhost:27017).',
  );
}

describe.runIf(uri)('mongodb adapter (MONGODB_TEST_URI)', () => {
  const base = namedDatabase(uri) ?? `codegenie_test_${randomUUID().slice(0, 8)}`;
  const databases = [base, `${base}_copy`];
  const [database = '', copyDatabase = ''] = databases;
  let admin: MongoClient;

  beforeAll(async () => {
    admin = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000 });
  });
  afterAll(async () => {
    // Collections, not databases (see above); a database left without collections is gone anyway.
    for (const name of databases) {
      const db = admin.db(name);
      const existing = await db.listCollections({}, { nameOnly: true }).toArray();
      const ours = new Set<string>(Object.values(COLLECTION_NAMES));
      for (const { name: collection } of existing) {
        if (ours.has(collection)) {
          await db.collection(collection).drop();
        }
      }
    }
    await admin.close();
  });

  /** A store on an empty database, without the TTL indexes (see below). */
  async function freshStore(name = database): Promise<MongoStore> {
    const store = await MongoStore.connect(withDatabase(uri, name));
    const db = admin.db(name);
    // The fixtures are dated 2026-01-01, which may be in the past: the TTL
    // monitor would delete sessions and tokens under the tests' feet.
    await db.collection(COLLECTION_NAMES.sessions).dropIndex('sessions_expires');
    await db.collection(COLLECTION_NAMES.passwordResets).dropIndex('password_resets_expires');
    await db.collection(COLLECTION_NAMES.invitations).dropIndex('invitations_expires');
    for (const collection of Object.values(COLLECTION_NAMES)) {
      await db.collection(collection).deleteMany({});
    }
    return store;
  }

  describeStoreContract('mongodb', () => freshStore());

  it('creates its indexes at start-up, again without complaint', async () => {
    await (await MongoStore.connect(withDatabase(uri, database))).close();
    const store = await MongoStore.connect(withDatabase(uri, database));
    try {
      for (const [key, name] of Object.entries(COLLECTION_NAMES)) {
        const existing = await admin.db(database).collection(name).listIndexes().toArray();
        for (const wanted of INDEXES[key as keyof typeof INDEXES]) {
          expect(existing).toContainEqual(
            expect.objectContaining({
              name: wanted.name,
              key: wanted.key,
              ...(wanted.unique ? { unique: true } : {}),
              ...(wanted.expireAfterSeconds === undefined ? {} : { expireAfterSeconds: 0 }),
            }),
          );
        }
      }
    } finally {
      await store.close();
    }
  });

  it('copies one MongoDB database into another with db:copy, and a second run writes nothing', async () => {
    const source = await freshStore(database);
    const target = await freshStore(copyDatabase);
    try {
      const now = new Date();
      for (let i = 0; i < 20; i++) {
        const user = await source.users.create(fixtureUser({ createdAt: now }));
        await source.sessions.create(
          fixtureSession(user.id, {
            createdAt: now,
            lastUsedAt: now,
            expiresAt: new Date(now.getTime() + 86_400_000),
          }),
        );
        await source.prompts.create(fixturePrompt(user.id, { createdAt: new Date(now.getTime() + i) }));
      }
      const first = await copyStore(source, target, now);
      expect(first.written).toEqual(countsOf({ users: 20, sessions: 20, prompts: 20 }));
      expect(await countStore(target, now)).toEqual(await countStore(source, now));
      const second = await copyStore(source, target, now);
      expect(second.written).toEqual(countsOf());
      expect(second.problems).toEqual([]);
    } finally {
      await source.close();
      await target.close();
    }
  });
});
