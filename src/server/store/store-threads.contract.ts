import { randomUUID } from 'node:crypto';
import { ConflictError, InvalidInputError } from '../errors.js';
import { describe, expect, it } from 'vitest';
import type { PromptRecord, Store, ThreadRecord } from './store.port.js';
import { fixtureUser, T0 } from './store-fixtures.js';
import { fixturePrompt } from './store-prompts.contract.js';

const at = (ms: number) => new Date(T0.getTime() + ms);

/** A thread of `userId` started by the turn with id `id`. */
export function fixtureThread(userId: string, overrides: Partial<ThreadRecord> = {}): ThreadRecord {
  return {
    id: randomUUID(),
    userId,
    title: 'Write a function that adds two numbers',
    kind: 'generate',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/**
 * A thread of three positions: root, then two versions of the answer to
 * it (a Regenerate), then a follow-up to the second version.
 */
async function seedThread(store: Store, userId: string) {
  const thread = await store.threads.create(fixtureThread(userId));
  const turn = (ms: number, parentId: string | null, id: string = randomUUID()): PromptRecord =>
    fixturePrompt(userId, { id, threadId: thread.id, parentId, createdAt: at(ms), input: `turn at ${ms}` });
  const root = await store.prompts.create(turn(0, null, thread.id));
  const first = await store.prompts.create(turn(10, root.id));
  const second = await store.prompts.create(turn(20, root.id));
  const followUp = await store.prompts.create(turn(30, second.id));
  return { thread, root, first, second, followUp };
}

/** Part of the store contract: threads (conversations) and their turns. */
export function describeThreadContract(getStore: () => Store): void {
  describe('threads', () => {
    it('creates a thread and finds it for its owner only', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      const thread = fixtureThread(a.id, { title: 'def add(a, b): (beginner, overview)', kind: 'explain' });
      expect(await store.threads.create(thread)).toEqual(thread);
      expect(await store.threads.findForUser(a.id, thread.id)).toEqual(thread);
      expect(await store.threads.findForUser(b.id, thread.id)).toBeNull();
      expect(await store.threads.findForUser(a.id, randomUUID())).toBeNull();
    });

    it('refuses a second thread with the same id as a conflict (another instance created it first)', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const thread = await store.threads.create(fixtureThread(u.id));
      await expect(store.threads.create({ ...thread, title: 'again' })).rejects.toBeInstanceOf(ConflictError);
      expect(await store.threads.findForUser(u.id, thread.id)).toEqual(thread);
    });

    it('moves updatedAt with touch, and says when there is no such thread', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const thread = await store.threads.create(fixtureThread(u.id));
      expect(await store.threads.touch(thread.id, at(5000))).toBe(true);
      expect(await store.threads.findForUser(u.id, thread.id)).toEqual({ ...thread, updatedAt: at(5000) });
      expect(await store.threads.touch(randomUUID(), at(5000))).toBe(false);
    });

    it('lists every turn of a thread, every version, oldest first, with parent links, for its owner only', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      const { thread, root, first, second, followUp } = await seedThread(store, a.id);
      await seedThread(store, a.id);
      const turns = await store.prompts.listThread(a.id, thread.id);
      expect(turns).toEqual([root, first, second, followUp]);
      expect(turns.map((t) => t.parentId)).toEqual([null, root.id, root.id, second.id]);
      expect(await store.prompts.listThread(b.id, thread.id)).toEqual([]);
      expect(await store.prompts.listThread(a.id, randomUUID())).toEqual([]);
    });

    it('deletes a thread with all its turns, and nothing else', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      const gone = await seedThread(store, a.id);
      const kept = await seedThread(store, a.id);
      expect(await store.threads.deleteForUser(b.id, gone.thread.id)).toBe(false);
      expect(await store.threads.deleteForUser(a.id, gone.thread.id)).toBe(true);
      expect(await store.threads.findForUser(a.id, gone.thread.id)).toBeNull();
      expect(await store.prompts.listThread(a.id, gone.thread.id)).toEqual([]);
      expect(await store.prompts.findById(gone.followUp.id)).toBeNull();
      expect((await store.prompts.listForUser(a.id, {}, 10)).items).toHaveLength(4);
      expect(await store.prompts.listThread(a.id, kept.thread.id)).toHaveLength(4);
      expect(await store.threads.deleteForUser(a.id, gone.thread.id)).toBe(false);
    });

    it('deletes a thread whose last turn is deleted, and keeps one with turns left', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const single = await store.threads.create(fixtureThread(u.id));
      await store.prompts.create(fixturePrompt(u.id, { id: single.id, threadId: single.id }));
      const { thread, followUp } = await seedThread(store, u.id);
      expect(await store.prompts.deleteForUser(u.id, single.id)).toBe(true);
      expect(await store.threads.findForUser(u.id, single.id)).toBeNull();
      expect(await store.prompts.deleteForUser(u.id, followUp.id)).toBe(true);
      expect(await store.threads.findForUser(u.id, thread.id)).toEqual(thread);
      expect(await store.prompts.listThread(u.id, thread.id)).toHaveLength(3);
    });

    it('deleting all records or the account removes every thread of the user, and no one else’s', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      const mine = await seedThread(store, a.id);
      const theirs = await seedThread(store, b.id);
      expect(await store.threads.listAllForUser(a.id)).toEqual([mine.thread]);
      expect(await store.prompts.deleteAllForUser(a.id)).toBe(4);
      expect(await store.threads.findForUser(a.id, mine.thread.id)).toBeNull();
      expect(await store.threads.listAllForUser(a.id)).toEqual([]);

      const again = await seedThread(store, a.id);
      expect(await store.users.delete(a.id)).toBe(true);
      expect(await store.threads.findForUser(a.id, again.thread.id)).toBeNull();
      expect(await store.prompts.listThread(a.id, again.thread.id)).toEqual([]);
      expect(await store.threads.findForUser(b.id, theirs.thread.id)).toEqual(theirs.thread);
      expect(await store.prompts.listThread(b.id, theirs.thread.id)).toHaveLength(4);
    });

    it('lists all threads of a user, oldest first (db:copy)', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const later = await store.threads.create(fixtureThread(u.id, { createdAt: at(2) }));
      const earlier = await store.threads.create(fixtureThread(u.id, { createdAt: at(1) }));
      expect(await store.threads.listAllForUser(u.id)).toEqual([earlier, later]);
    });

    it('lists threads most recently updated first, with turn count and latest turn, by cursor pages', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const other = await store.users.create(fixtureUser());
      await seedThread(store, other.id);
      const seeded = [];
      for (let i = 0; i < 5; i++) {
        const s = await seedThread(store, u.id);
        await store.threads.touch(s.thread.id, at(1000 + i));
        seeded.push({ ...s, updatedAt: at(1000 + i) });
      }
      const first = await store.threads.listForUser(u.id, {}, 3);
      expect(first.items.map((t) => t.id)).toEqual(
        seeded
          .slice(2)
          .reverse()
          .map((s) => s.thread.id),
      );
      expect(first.items[0]).toEqual({
        ...seeded[4]?.thread,
        updatedAt: at(1004),
        turnCount: 4,
        latest: {
          id: seeded[4]?.followUp.id,
          status: 'running',
          modelId: 'deepseek-coder-1.3b',
          language: 'python',
        },
      });
      expect(first.nextCursor).not.toBeNull();
      const second = await store.threads.listForUser(u.id, {}, 3, first.nextCursor ?? undefined);
      expect(second.items.map((t) => t.id)).toEqual([seeded[1]?.thread.id, seeded[0]?.thread.id]);
      expect(second.nextCursor).toBeNull();
      await expect(store.threads.listForUser(u.id, {}, 3, 'not-a-cursor')).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    });

    it('finds a thread by any of its turns, with every filter on one turn', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const plain = await seedThread(store, u.id);
      const thread = await store.threads.create(fixtureThread(u.id, { updatedAt: at(50) }));
      await store.prompts.create(
        fixturePrompt(u.id, { id: thread.id, threadId: thread.id, input: 'Sort a list', createdAt: at(0) }),
      );
      await store.prompts.create(
        fixturePrompt(u.id, {
          threadId: thread.id,
          parentId: thread.id,
          input: 'Now as a LinkedListNode',
          modelId: 'qwen2.5-coder-0.5b',
          language: 'go',
          status: 'completed',
          createdAt: at(40),
        }),
      );
      const ids = async (query: Parameters<Store['threads']['listForUser']>[1]) =>
        (await store.threads.listForUser(u.id, query, 10)).items.map((t) => t.id);
      expect(await ids({})).toEqual([thread.id, plain.thread.id]);
      expect(await ids({ q: 'linkedlist' })).toEqual([thread.id]);
      expect(await ids({ q: 'ed' })).toEqual([thread.id]);
      expect(await ids({ modelId: 'qwen2.5-coder-0.5b', language: 'go', status: 'completed' })).toEqual([
        thread.id,
      ]);
      // Two filters met by two different turns only: no match.
      expect(await ids({ q: 'Sort a list', modelId: 'qwen2.5-coder-0.5b' })).toEqual([]);
      expect(await ids({ from: at(35), to: at(45) })).toEqual([thread.id]);
      expect(await ids({ kind: 'explain' })).toEqual([]);
      expect(await ids({ status: 'running' })).toEqual([thread.id, plain.thread.id]);
    });
  });
}
