import { MongoClient, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { StoreTimeoutError } from '../../errors.js';
import { T0 } from '../store-fixtures.js';
import { INDEXES } from './mongo-collections.js';
import { QUERY_TIME_LIMIT_MS } from './mongo-time-limit.js';
import { clientOptions } from './mongo.adapter.js';

/**
 * Issue 16 items 4 and 6 over the wire protocol: history search and profile
 * stats carry maxTimeMS, a MaxTimeMSExpired answer is StoreTimeoutError
 * (503 store_timeout), the stats' two aggregations have the shapes an index
 * can answer, and the pool size reaches the driver.
 */
const isListing = (c: Document): boolean => c.find === 'prompts' && c.projection !== undefined;
const isDays = (c: Document): boolean =>
  c.aggregate === 'prompts' && c.pipeline?.[0]?.$match?.createdAt !== undefined;
const isTotals = (c: Document): boolean =>
  c.aggregate === 'prompts' && c.pipeline?.at(-1)?.$facet !== undefined;
const expired = { ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' };
const DAY = 86_400_000;

const open = useFakeMongoStore();

describe('mongo time limits over the wire protocol', () => {
  it('sends history search with maxTimeMS', async () => {
    const { server, store } = await open();
    await store.prompts.listSummariesForUser('u1', { q: 'rare word' }, 20);
    await store.prompts.listForUser('u1', { q: 'rare word' }, 20);
    const finds = server.commands.filter((c) => c.find === 'prompts' && c.filter?.$and?.length === 2);
    expect(finds).toHaveLength(2);
    for (const find of finds) {
      expect(Number(find.maxTimeMS)).toBe(QUERY_TIME_LIMIT_MS);
    }
  });

  it('answers a search stopped at its time limit with StoreTimeoutError, not the driver error', async () => {
    const { store } = await open((c) => (isListing(c) ? expired : undefined));
    const failure = store.prompts.listSummariesForUser('u1', { q: 'rare word' }, 20);
    await expect(failure).rejects.toBeInstanceOf(StoreTimeoutError);
    await expect(failure).rejects.toMatchObject({ code: 'store_timeout' });
  });

  it('counts stats in two time-limited aggregations: the range in the first $match of the per-day one', async () => {
    const until = new Date(T0.getTime() + 2 * DAY);
    const { server, store } = await open((c) => {
      if (isDays(c)) {
        return findBatch('prompts', [{ _id: T0.toISOString().slice(0, 10), n: 3 }]);
      }
      if (isTotals(c)) {
        return findBatch('prompts', [
          {
            kinds: [
              { _id: 'generate', n: 5 },
              { _id: 'explain', n: 1 },
            ],
            models: [{ _id: 'm-a', n: 6, tokens: 40 }],
          },
        ]);
      }
      return undefined;
    });

    expect(await store.prompts.statsForUser('u1', T0, until)).toEqual({
      generations: 5,
      explanations: 1,
      byModel: [{ modelId: 'm-a', count: 6, completionTokens: 40 }],
      perDay: [
        { date: T0.toISOString().slice(0, 10), count: 3 },
        { date: new Date(T0.getTime() + DAY).toISOString().slice(0, 10), count: 0 },
      ],
    });
    const days = server.commands.find((c) => isDays(c));
    expect(days?.pipeline[0]).toEqual({ $match: { userId: 'u1', createdAt: { $gte: T0, $lt: until } } });
    expect(days?.pipeline).toHaveLength(2);
    const totals = server.commands.find((c) => isTotals(c));
    // $facet uses no index: only the index's own fields reach it, so the index answers without the documents.
    expect(totals?.pipeline.slice(0, 2)).toEqual([
      { $match: { userId: 'u1' } },
      { $project: { _id: 0, kind: 1, modelId: 1, completionTokens: 1 } },
    ]);
    expect(Object.keys(totals?.pipeline[2].$facet ?? {}).sort()).toEqual(['kinds', 'models']);
    expect(Number(days?.maxTimeMS)).toBe(QUERY_TIME_LIMIT_MS);
    expect(Number(totals?.maxTimeMS)).toBe(QUERY_TIME_LIMIT_MS);
  });

  it('creates the index the stats read at start-up, with every field the totals project', async () => {
    const { server } = await open();
    const created = server.commands.find((c) => c.createIndexes === 'prompts');
    const stats = (created?.indexes as Document[]).find((i) => i.name === 'prompts_stats');
    expect(stats?.key).toEqual({ userId: 1, kind: 1, modelId: 1, completionTokens: 1 });
    expect(INDEXES.prompts.map((i) => i.name)).toContain('prompts_stats');
  });

  it('answers stats stopped at their time limit with StoreTimeoutError', async () => {
    const { store } = await open((c) => (isTotals(c) ? expired : undefined));
    await expect(store.prompts.statsForUser('u1', T0, new Date(T0.getTime() + DAY))).rejects.toBeInstanceOf(
      StoreTimeoutError,
    );
  });
});

describe('mongo client options', () => {
  it('sets maxPoolSize (default 20), over a maxPoolSize in the URI', async () => {
    expect(clientOptions()).toMatchObject({ maxPoolSize: 20, serverSelectionTimeoutMS: 8000 });
    const client = new MongoClient(
      'mongodb://127.0.0.1:1/cg?maxPoolSize=500',
      clientOptions({ maxPoolSize: 7, serverSelectionTimeoutMs: 100 }),
    );
    try {
      expect(client.options.maxPoolSize).toBe(7);
      expect(client.options.serverSelectionTimeoutMS).toBe(100);
    } finally {
      await client.close();
    }
  });
});
