import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import type { ActivityRecord, Store } from './store.port.js';
import { fixtureUser, T0 } from './store-fixtures.js';
import { fixturePrompt } from './store-prompts.contract.js';
import { FAILED, PASSED } from './store-repairs.contract.js';
import { fixtureThread } from './store-threads.contract.js';

const at = (ms: number) => new Date(T0.getTime() + ms);

/** An activity entry of `userId`. */
function fixtureEntry(userId: string, overrides: Partial<ActivityRecord> = {}): ActivityRecord {
  return {
    id: randomUUID(),
    userId,
    kind: 'generation',
    createdAt: T0,
    ip: '127.0.0.1',
    userAgent: 'contract-test',
    details: { modelId: 'deepseek-coder-1.3b', stream: true, tokens: 3, note: null },
    ...overrides,
  };
}

const byId = <T extends { id: string }>(items: readonly T[]) =>
  [...items].sort((a, b) => (a.id < b.id ? -1 : 1));

/** Part of the store contract: db:copy's batch reads and writes (bulk.port.ts). */
export function describeBulkContract(getStore: () => Store): void {
  describe('bulk (db:copy)', () => {
    it('inserts prompts in one batch, finds them by ids, and skips the ids it already holds', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const held = await store.prompts.create(fixturePrompt(u.id, { input: 'held before' }));
      const records = [0, 1, 2].map((i) =>
        fixturePrompt(u.id, { createdAt: at(i), status: 'completed', output: `out ${i}`, finishedAt: at(i) }),
      );
      expect(await store.bulk.insertPrompts([...records, { ...held, input: 'another copy' }])).toEqual({
        inserted: 3,
        alreadyPresent: 1,
      });
      // The held record is left as it was; the others read back with every field.
      const found = await store.bulk.findPrompts([held.id, ...records.map((r) => r.id), randomUUID()]);
      expect(byId(found)).toEqual(byId([held, ...records]));
      expect(await store.prompts.findById(held.id)).toEqual(held);
      expect((await store.prompts.listForUser(u.id, {}, 10)).items).toHaveLength(4);
      expect(await store.bulk.insertPrompts(records)).toEqual({ inserted: 0, alreadyPresent: 3 });
      expect(await store.bulk.insertPrompts([])).toEqual({ inserted: 0, alreadyPresent: 0 });
      expect(await store.bulk.findPrompts([])).toEqual([]);
    });

    it("carries a turn's test run both ways, and a held record keeps its own", async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const thread = await store.threads.create(fixtureThread(u.id));
      const turn = (ms: number) =>
        fixturePrompt(u.id, {
          threadId: thread.id,
          createdAt: at(ms),
          status: 'completed',
          finishedAt: at(ms),
        });
      const held = await store.prompts.create(turn(0));
      await store.repairs.saveRun(held.id, PASSED);
      const [failed, plain] = [turn(1), turn(2)];
      expect(
        await store.bulk.insertPrompts([{ ...held, testRun: FAILED }, { ...failed, testRun: FAILED }, plain]),
      ).toEqual({ inserted: 2, alreadyPresent: 1 });
      expect(await store.repairs.runsOfThread(u.id, thread.id)).toEqual(
        new Map([
          [held.id, PASSED],
          [failed.id, FAILED],
        ]),
      );
      // A run without a message reads back without one (not undefined or null): copies compare equal.
      const found = byId(await store.bulk.findPrompts([held.id, failed.id, plain.id]));
      expect(found).toStrictEqual(
        byId([{ ...held, testRun: PASSED }, { ...failed, testRun: FAILED }, plain]),
      );
      expect(found.find((p) => p.id === plain.id)).not.toHaveProperty('testRun');
    });

    it('inserts activity entries and threads in batches, skipping held ids', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const entries = [0, 1].map((i) => fixtureEntry(u.id, { createdAt: at(i) }));
      await store.activity.append(entries[0] as ActivityRecord);
      expect(await store.bulk.insertActivity(entries)).toEqual({ inserted: 1, alreadyPresent: 1 });
      expect(byId(await store.bulk.findActivity([...entries.map((e) => e.id), randomUUID()]))).toEqual(
        byId(entries),
      );
      expect(await store.activity.listForUser(u.id, 10)).toEqual([...entries].reverse());

      const threads = [0, 1].map((i) => fixtureThread(u.id, { createdAt: at(i), updatedAt: at(i + 5) }));
      expect(await store.bulk.insertThreads(threads)).toEqual({ inserted: 2, alreadyPresent: 0 });
      expect(await store.bulk.insertThreads(threads)).toEqual({ inserted: 0, alreadyPresent: 2 });
      expect(await store.threads.listAllForUser(u.id)).toEqual(threads);
    });

    it('pages the activity log newest first, ties by id, without gaps or repeats', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const other = await store.users.create(fixtureUser());
      const entries = [0, 0, 0, 1, 2, 2, 3].map((ms) => fixtureEntry(u.id, { createdAt: at(ms) }));
      await store.bulk.insertActivity([...entries, fixtureEntry(other.id, { createdAt: at(1) })]);
      const newestFirst = [...entries].sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
      );
      const seen: ActivityRecord[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.bulk.listActivity(u.id, 3, cursor);
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor !== undefined);
      expect(seen).toEqual(newestFirst);
      expect(pages).toBe(3);
      expect(await store.bulk.listActivity(u.id, 7)).toEqual({ items: newestFirst, nextCursor: null });
      await expect(store.bulk.listActivity(u.id, 3, 'not-a-cursor')).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    });
  });
}
