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
 * at one (local mongod or an Atlas cluster), in a fresh database per run
 * that is dropped afterwards.
 */
const uri = process.env.MONGODB_TEST_URI ?? '';
if (!uri) {
  console.warn(
    'MongoDB contract run skipped: MONGODB_TEST_URI is not set (e.g. MONGODB_TEST_URI=mongodb://localhost:27017).',
  );
}

describe.runIf(uri)('mongodb adapter (MONGODB_TEST_URI)', () => {
  const run = randomUUID().slice(0, 8);
  const databases = [`codegenie_test_${run}`, `codegenie_test_${run}_copy`];
  const [database = '', copyDatabase = ''] = databases;
  let admin: MongoClient;

  beforeAll(async () => {
    admin = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000 });
  });
  afterAll(async () => {
    for (const name of databases) {
      await admin.db(name).dropDatabase();
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
