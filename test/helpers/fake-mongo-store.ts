import { BSON, type Document } from 'mongodb';
import { afterEach } from 'vitest';
import { MongoStore } from '../../src/server/store/mongo/mongo.adapter.js';
import { FakeMongod, type Handler } from './fake-mongod.js';

/** How the stand-in server presents itself (FakeMongod's fields of the same names). */
export interface FakeStoreOptions {
  replicaSet?: string;
  /** Atlas Search indexes by collection: an Atlas server (FakeMongod.searchIndexes). */
  searchIndexes?: Record<string, Document[]>;
}

/**
 * The MongoDB adapter connected to a FakeMongod that answers with `handler`
 * (the default reply when it returns undefined). Call at the top of a test
 * file: every store and fake opened is closed after each test.
 */
export function useFakeMongoStore(): (
  handler?: Handler,
  options?: FakeStoreOptions,
) => Promise<{ server: FakeMongod; store: MongoStore }> {
  const fakes: FakeMongod[] = [];
  const stores: MongoStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await Promise.all(fakes.splice(0).map((f) => f.stop()));
  });
  return async (handler?: Handler, options: FakeStoreOptions = {}) => {
    const server = new FakeMongod(handler);
    server.replicaSet = options.replicaSet;
    server.searchIndexes = options.searchIndexes;
    await server.start();
    fakes.push(server);
    const store = await MongoStore.connect(`mongodb://127.0.0.1:${server.port}/cg`, {
      serverSelectionTimeoutMs: 1000,
    });
    stores.push(store);
    return { server, store };
  };
}

/** A find's answer: `docs` in one batch, the cursor exhausted. */
export function findBatch(collection: string, docs: Document[]): Document {
  return { ok: 1, cursor: { id: BSON.Long.fromNumber(0), ns: `cg.${collection}`, firstBatch: docs } };
}

/** The reply of a write whose insert collided with an existing _id (E11000). */
export function duplicateKey(collection: string, id: string): Document {
  return {
    ok: 1,
    n: 0,
    nModified: 0,
    writeErrors: [
      {
        index: 0,
        code: 11000,
        errmsg: `E11000 duplicate key error collection: cg.${collection} index: _id_ dup key: { _id: "${id}" }`,
        keyPattern: { _id: 1 },
        keyValue: { _id: id },
      },
    ],
  };
}
