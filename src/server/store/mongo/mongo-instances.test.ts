import { describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { fixtureInstance } from '../store-instances.contract.js';
import { T0 } from '../store-fixtures.js';
import { INDEXES } from './mongo-collections.js';
import { fromInstanceDoc, toInstanceDoc } from './mongo-instances.js';

/**
 * Instances and run owners over the wire protocol (the stand-in server has
 * no query engine: it checks what is asked and serves documents). Their
 * behaviour is the contract suite's, against a real MongoDB when
 * MONGODB_TEST_URI is set.
 */
const open = useFakeMongoStore();
const GONE = { code: 'interrupted', message: 'The server stopped during this generation.' };
const updatesOf = (commands: { update?: unknown; updates?: unknown }[], collection: string) =>
  commands.filter((c) => c.update === collection).map((c) => c.updates);

describe('mongo instances over the wire protocol', () => {
  it('maps an instance to its document and back', () => {
    const instance = fixtureInstance();
    expect(toInstanceDoc(instance)).toEqual({ ...instance, id: undefined, _id: instance.id });
    expect(fromInstanceDoc(toInstanceDoc(instance))).toEqual(instance);
  });

  it('writes a heartbeat as an upsert by id and lists instances in id order', async () => {
    const instance = fixtureInstance();
    const { server, store } = await open((c) =>
      c.find === 'instances' ? findBatch('instances', [toInstanceDoc(instance)]) : undefined,
    );
    await store.instances.beat(instance);
    const { id, ...fields } = instance;
    expect(updatesOf(server.commands, 'instances')).toEqual([
      [{ q: { _id: id }, u: { $set: fields }, upsert: true }],
    ]);
    expect(await store.instances.list()).toEqual([instance]);
    expect(server.commands.find((c) => c.find === 'instances')).toMatchObject({
      filter: {},
      sort: { _id: 1 },
    });
  });

  it('claims and asks to stop running runs only, keeping the first request', async () => {
    const { server, store } = await open((c) =>
      c.update === 'prompts' ? { ok: 1, n: 1, nModified: 1 } : undefined,
    );
    expect(await store.instances.claimRun('p1', 'a')).toBe(true);
    expect(await store.instances.requestCancel('p1', T0)).toBe(true);
    expect(updatesOf(server.commands, 'prompts')).toEqual([
      [{ q: { _id: 'p1', status: 'running' }, u: { $set: { owner: 'a' } } }],
      [
        {
          q: { _id: 'p1', status: 'running' },
          u: [{ $set: { cancelRequestedAt: { $ifNull: ['$cancelRequestedAt', T0] } } }],
        },
      ],
    ]);
  });

  it("asks for an owner's running runs with a stop request, through the partial index", async () => {
    const { server, store } = await open((c) =>
      // Only this query: start-up's thread backfill reads prompts too.
      c.find === 'prompts' && c.filter?.owner === 'a'
        ? findBatch('prompts', [{ _id: 'p1' }, { _id: 'p2' }])
        : undefined,
    );
    expect(await store.instances.cancelRequested('a')).toEqual(['p1', 'p2']);
    const filter = { owner: 'a', status: 'running', cancelRequestedAt: { $exists: true } };
    expect(server.commands.find((c) => c.find === 'prompts' && c.filter?.owner === 'a')).toMatchObject({
      filter,
      projection: { _id: 1 },
    });
    // The query matches the index's partial filter, so the planner may use it.
    expect(INDEXES.prompts.find((i) => i.name === 'prompts_cancel_requested')).toMatchObject({
      key: { owner: 1 },
      partialFilterExpression: { status: 'running', cancelRequestedAt: { $exists: true } },
    });
  });

  it('fails the runs of gone instances and old runs of no live instance in one update', async () => {
    const { server, store } = await open((c) =>
      c.update === 'prompts' ? { ok: 1, n: 2, nModified: 2 } : undefined,
    );
    const before = new Date(T0.getTime() - 30_000);
    expect(
      await store.instances.failOrphanedRuns(
        { gone: ['g'], live: ['a', 'b'], createdBefore: before },
        GONE,
        T0,
      ),
    ).toBe(2);
    expect(updatesOf(server.commands, 'prompts')).toEqual([
      [
        {
          q: {
            status: 'running',
            $or: [{ owner: { $in: ['g'] } }, { createdAt: { $lt: before }, owner: { $nin: ['a', 'b'] } }],
          },
          u: { $set: { status: 'failed', error: GONE, finishedAt: T0 } },
          multi: true,
        },
      ],
    ]);
  });

  it('refuses an operator where an instance id belongs', async () => {
    const { store } = await open();
    await expect(store.instances.claimRun('p1', '$where')).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
