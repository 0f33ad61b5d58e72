import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RepairRunResult } from '../../shared/repair/repair.schemas.js';
import type { Store } from './store.port.js';
import { fixtureUser } from './store-fixtures.js';
import { fixturePrompt } from './store-prompts.contract.js';
import { fixtureThread } from './store-threads.contract.js';

/** A failing run of a turn's tests (also used by the Test and fix service tests). */
export const FAILED: RepairRunResult = {
  status: 'failed',
  output: 'Traceback (most recent call last):\nAssertionError: add(2, 3) should be 5',
  message: 'AssertionError: add(2, 3) should be 5',
  durationMs: 41,
};
/** A passing run. */
export const PASSED: RepairRunResult = { status: 'passed', output: '', durationMs: 9 };

/** Part of the store contract: Test and fix runs kept on their answer turns (repairs.port.ts). */
export function describeRepairContract(getStore: () => Store): void {
  describe('repairs', () => {
    it("keeps each turn's run, reads a thread's runs by turn id, and replaces a run saved again", async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const thread = await store.threads.create(fixtureThread(u.id));
      const first = await store.prompts.create(fixturePrompt(u.id, { id: thread.id, threadId: thread.id }));
      const fix = await store.prompts.create(
        fixturePrompt(u.id, { threadId: thread.id, parentId: first.id, input: 'Fix the code.' }),
      );
      const plain = await store.prompts.create(
        fixturePrompt(u.id, { threadId: thread.id, parentId: fix.id }),
      );
      expect(await store.repairs.runsOfThread(u.id, thread.id)).toEqual(new Map());

      expect(await store.repairs.saveRun(first.id, FAILED)).toBe(true);
      expect(await store.repairs.saveRun(fix.id, { ...FAILED, status: 'timed-out' })).toBe(true);
      expect(await store.repairs.saveRun(fix.id, PASSED)).toBe(true);
      expect(await store.repairs.runsOfThread(u.id, thread.id)).toEqual(
        new Map([
          [first.id, FAILED],
          [fix.id, PASSED],
        ]),
      );
      // The turn records themselves read as before.
      expect(await store.prompts.findById(plain.id)).toEqual(plain);
      expect(await store.prompts.findById(first.id)).toEqual(first);
    });

    it("answers false for an unknown turn and finds nothing in another user's thread", async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const other = await store.users.create(fixtureUser());
      const thread = await store.threads.create(fixtureThread(u.id));
      const turn = await store.prompts.create(fixturePrompt(u.id, { id: thread.id, threadId: thread.id }));
      expect(await store.repairs.saveRun(randomUUID(), PASSED)).toBe(false);
      expect(await store.repairs.saveRun(turn.id, PASSED)).toBe(true);
      expect(await store.repairs.runsOfThread(other.id, thread.id)).toEqual(new Map());
    });

    it('deletes a run with its turn', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const thread = await store.threads.create(fixtureThread(u.id));
      const root = await store.prompts.create(fixturePrompt(u.id, { id: thread.id, threadId: thread.id }));
      const turn = await store.prompts.create(
        fixturePrompt(u.id, { threadId: thread.id, parentId: root.id }),
      );
      await store.repairs.saveRun(turn.id, FAILED);
      expect(await store.prompts.deleteForUser(u.id, turn.id)).toBe(true);
      expect(await store.repairs.runsOfThread(u.id, thread.id)).toEqual(new Map());
    });
  });
}
