import { describe, expect, it } from 'vitest';
import { findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';

/**
 * Test and fix runs over the wire protocol (the stand-in server has no query
 * engine: it checks what is asked and serves documents). Their behaviour is
 * the contract suite's (store-repairs.contract.ts), against a real MongoDB
 * when MONGODB_TEST_URI is set.
 */
const open = useFakeMongoStore();

const RUN = {
  status: 'failed' as const,
  output: 'AssertionError',
  message: 'AssertionError',
  durationMs: 12,
};

describe('mongo repairs over the wire protocol', () => {
  it("saves a run as the testRun field of the turn's prompt document", async () => {
    const { server, store } = await open((c) =>
      c.update === 'prompts' ? { ok: 1, n: 1, nModified: 1 } : undefined,
    );
    expect(await store.repairs.saveRun('turn-1', RUN)).toBe(true);
    const update = server.commands.find((c) => c.update === 'prompts');
    expect(update?.updates).toMatchObject([{ q: { _id: 'turn-1' }, u: { $set: { testRun: RUN } } }]);
  });

  it('answers false when no prompt document matched', async () => {
    const { store } = await open((c) => (c.update === 'prompts' ? { ok: 1, n: 0, nModified: 0 } : undefined));
    expect(await store.repairs.saveRun('gone', { ...RUN, message: undefined })).toBe(false);
  });

  it("reads a thread's runs with the thread index's fields and only _id and testRun", async () => {
    const { server, store } = await open((c) =>
      c.find === 'prompts' && 'testRun' in (c.filter ?? {})
        ? findBatch('prompts', [{ _id: 'turn-1', testRun: RUN }])
        : undefined,
    );
    expect(await store.repairs.runsOfThread('u1', 't1')).toEqual(new Map([['turn-1', RUN]]));
    expect(server.commands.find((c) => c.find === 'prompts' && 'testRun' in (c.filter ?? {}))).toMatchObject({
      filter: { userId: 'u1', threadId: 't1', testRun: { $exists: true } },
      projection: { _id: 1, testRun: 1 },
    });
  });
});
