import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { StoreTimeoutError } from '../../errors.js';
import { T0 } from '../store-fixtures.js';
import { INDEXES } from './mongo-collections.js';
import { QUERY_TIME_LIMIT_MS } from './mongo-time-limit.js';

/**
 * Usage across every user over the wire protocol: the one aggregation asked
 * (range, groupings, the users' names looked up) and how its answer is read.
 * The counting itself is the contract suite's, against a real MongoDB when
 * MONGODB_TEST_URI is set.
 */
const isUsage = (c: Document): boolean =>
  c.aggregate === 'prompts' && c.pipeline?.at(-1)?.$facet?.users !== undefined;

const open = useFakeMongoStore();

describe('mongo usage over the wire protocol', () => {
  it('aggregates the range once and maps kinds, days, models and top users', async () => {
    const facets = {
      kinds: [{ _id: 'generate', count: 4 }],
      days: [{ _id: '2026-01-02', count: 4 }],
      models: [{ _id: 'm-a', count: 4 }],
      users: [{ _id: 'u1', count: 4, username: 'ann' }],
    };
    const { server, store } = await open((c) => (isUsage(c) ? findBatch('prompts', [facets]) : undefined));
    const until = new Date(T0.getTime() + 86_400_000);

    expect(await store.usage.countBetween(T0, until, 5)).toEqual({
      kinds: [{ kind: 'generate', count: 4 }],
      days: [{ date: '2026-01-02', count: 4 }],
      byModel: [{ modelId: 'm-a', count: 4 }],
      topUsers: [{ userId: 'u1', username: 'ann', count: 4 }],
    });
    const command = server.commands.find((c) => isUsage(c));
    expect(command?.pipeline[0]).toEqual({ $match: { createdAt: { $gte: T0, $lt: until } } });
    const users = command?.pipeline.at(-1).$facet.users as Document[];
    expect(users).toContainEqual({
      $lookup: { from: 'users', localField: '_id', foreignField: '_id', as: 'user' },
    });
    expect(users.at(-2)).toEqual({ $limit: 5 });
    expect(Number(command?.maxTimeMS)).toBe(QUERY_TIME_LIMIT_MS);
  });

  it('reads only the fields of the prompts_usage index before $facet, so the index alone answers', async () => {
    const { server, store } = await open((c) => (isUsage(c) ? findBatch('prompts', []) : undefined));
    await store.usage.countBetween(T0, new Date(T0.getTime() + 1000), 5);
    const command = server.commands.find((c) => isUsage(c));
    const usage = INDEXES.prompts.find((i) => i.name === 'prompts_usage');
    const projected = Object.keys(command?.pipeline[1].$project ?? {}).filter((f) => f !== '_id');
    expect(command?.pipeline).toHaveLength(3);
    expect(command?.pipeline[1].$project._id).toBe(0);
    expect(projected.sort()).toEqual(Object.keys(usage?.key ?? {}).sort());
    const created = server.commands.find((c) => c.createIndexes === 'prompts');
    expect((created?.indexes as Document[]).map((i) => i.name)).toContain('prompts_usage');
  });

  it('answers a count stopped at its time limit with StoreTimeoutError', async () => {
    const expired = {
      ok: 0,
      code: 50,
      codeName: 'MaxTimeMSExpired',
      errmsg: 'operation exceeded time limit',
    };
    const { store } = await open((c) => (isUsage(c) ? expired : undefined));
    await expect(store.usage.countBetween(T0, new Date(T0.getTime() + 1000), 5)).rejects.toBeInstanceOf(
      StoreTimeoutError,
    );
  });

  it('answers empty lists for an empty range', async () => {
    const { store } = await open((c) => (isUsage(c) ? findBatch('prompts', []) : undefined));
    expect(await store.usage.countBetween(T0, new Date(T0.getTime() + 1000), 5)).toEqual({
      kinds: [],
      days: [],
      byModel: [],
      topUsers: [],
    });
  });
});
