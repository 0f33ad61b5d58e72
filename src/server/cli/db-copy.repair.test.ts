import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import type { PromptRecord, Store } from '../store/store.port.js';
import { fixtureUser, T0 } from '../store/store-fixtures.js';
import { fixturePrompt } from '../store/store-prompts.contract.js';
import { FAILED, PASSED } from '../store/store-repairs.contract.js';
import { fixtureThread } from '../store/store-threads.contract.js';
import { copyStore, countsOf } from './store-sync.js';

/**
 * db:copy carries what Test and fix (issue 17) keeps beside the records: a
 * turn's test run and a user's remembered choice, and copies a record again
 * when only those differ. The MongoDB side's commands: mongo-bulk.test.ts.
 */
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function fresh(): Store {
  const store = SqliteStore.open(':memory:');
  stores.push(store);
  return store;
}

const at = (ms: number) => new Date(T0.getTime() + ms);
const NOW = at(86_400_000);

/** A user with Test and fix on (4 rounds), a repair thread of a failing turn then its passing fix, and a second user left at the defaults. */
async function seed(store: Store) {
  const u = await store.users.create(fixtureUser());
  const other = await store.users.create(fixtureUser());
  await store.preferences.update(u.id, { repairEnabled: true, repairRounds: 4 });
  const thread = await store.threads.create(fixtureThread(u.id, { updatedAt: at(20) }));
  const turn = (ms: number, parentId: string | null, id?: string): PromptRecord =>
    fixturePrompt(u.id, {
      ...(id === undefined ? {} : { id }),
      threadId: thread.id,
      parentId,
      createdAt: at(ms),
      status: 'completed',
      output: `answer ${ms}`,
      finishedAt: at(ms + 5),
    });
  const first = await store.prompts.create(turn(0, null, thread.id));
  const fix = await store.prompts.create(turn(10, first.id));
  await store.repairs.saveRun(first.id, FAILED);
  await store.repairs.saveRun(fix.id, PASSED);
  // A one-turn thread whose tests pass at once.
  const alone = await store.prompts.create(fixturePrompt(u.id, { status: 'completed', finishedAt: at(30) }));
  await store.threads.create(fixtureThread(u.id, { id: alone.id }));
  return { u, other, thread, first, fix, alone };
}

describe('db:copy and Test and fix', () => {
  it("copies every turn's test run and each user's preferences, and a second copy changes nothing", async () => {
    const source = fresh();
    const target = fresh();
    const { u, other, thread } = await seed(source);

    expect((await copyStore(source, target, NOW)).problems).toEqual([]);
    expect(await target.repairs.runsOfThread(u.id, thread.id)).toEqual(
      await source.repairs.runsOfThread(u.id, thread.id),
    );
    expect(await target.preferences.get(u.id)).toEqual({ repairEnabled: true, repairRounds: 4 });
    expect(await target.preferences.get(other.id)).toEqual(await source.preferences.get(other.id));

    const again = await copyStore(source, target, NOW);
    expect(again.written).toEqual(countsOf());
    expect(again.unchanged).toMatchObject({ users: 2, prompts: 3, threads: 2 });
  });

  it('copies a turn again when only its test run changed, and a user when only the preferences did, losing no thread', async () => {
    const source = fresh();
    const target = fresh();
    const { u, thread, fix, alone } = await seed(source);
    await copyStore(source, target, NOW);

    // The runs were saved after the last copy (a copy taken while the tests ran), and the choice changed.
    await source.repairs.saveRun(fix.id, { ...FAILED, status: 'timed-out' });
    await source.repairs.saveRun(alone.id, PASSED);
    await source.preferences.update(u.id, { repairRounds: 1 });

    const report = await copyStore(source, target, NOW);
    expect(report.written).toEqual(countsOf({ users: 1, prompts: 2 }));
    expect(report.problems).toEqual([]);
    expect(await target.repairs.runsOfThread(u.id, thread.id)).toEqual(
      await source.repairs.runsOfThread(u.id, thread.id),
    );
    expect(await target.repairs.runsOfThread(u.id, alone.id)).toEqual(new Map([[alone.id, PASSED]]));
    expect(await target.preferences.get(u.id)).toEqual({ repairEnabled: true, repairRounds: 1 });
    // Replacing the one turn of a thread must not take the thread with it.
    expect(await target.threads.listAllForUser(u.id)).toEqual(await source.threads.listAllForUser(u.id));
  });
});
