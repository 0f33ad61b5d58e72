import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError } from '../errors.js';
import type { PromptRecord, Store } from './store.port.js';
import { fixtureSession, fixtureUser, T0 } from './store-fixtures.js';
import { fixturePrompt } from './store-prompts.contract.js';
import { fixtureThread } from './store-threads.contract.js';

const MIN = 60_000;

/** Part of the store contract: history listing, search, stats, profile changes, account deletion. */
export function describeHistoryContract(getStore: () => Store): void {
  async function seed(store: Store, userId: string, n: number, at = (i: number) => T0.getTime() + i * MIN) {
    const made: PromptRecord[] = [];
    for (let i = 0; i < n; i++) {
      made.push(
        await store.prompts.create(
          fixturePrompt(userId, {
            input: `prompt number ${i}`,
            createdAt: new Date(at(i)),
            status: 'completed',
            output: `output ${i}`,
            finishedAt: new Date(at(i) + 1000),
          }),
        ),
      );
    }
    return made;
  }

  async function all(store: Store, userId: string, query = {}, limit = 3) {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 1000; guard++) {
      const page = await store.prompts.listForUser(userId, query, limit, cursor);
      ids.push(...page.items.map((p) => p.id));
      if (!page.nextCursor) {
        return ids;
      }
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  describe('history listing', () => {
    it('pages newest first with a cursor, only the user’s own records', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      const mine = await seed(store, a.id, 7);
      await seed(store, b.id, 4);
      const first = await store.prompts.listForUser(a.id, {}, 3);
      expect(first.items.map((p) => p.id)).toEqual(
        mine
          .slice(-3)
          .reverse()
          .map((p) => p.id),
      );
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(await all(store, a.id)).toEqual([...mine].reverse().map((p) => p.id));
      const last = await store.prompts.listForUser(a.id, {}, 7);
      expect(last.nextCursor).toBeNull();
    });

    it('orders records created in the same millisecond by id, and never repeats or skips one', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const same = await seed(store, u.id, 5, () => T0.getTime());
      const ids = await all(store, u.id, {}, 2);
      expect(ids).toHaveLength(5);
      expect(new Set(ids)).toEqual(new Set(same.map((p) => p.id)));
      expect(ids).toEqual([...ids].sort().reverse());
    });

    it('stays correct while new records arrive between pages', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const old = await seed(store, u.id, 6);
      const page1 = await store.prompts.listForUser(u.id, {}, 3);
      await seed(store, u.id, 2, (i) => T0.getTime() + (100 + i) * MIN); // newer ones
      const page2 = await store.prompts.listForUser(u.id, {}, 3, page1.nextCursor ?? undefined);
      expect([...page1.items, ...page2.items].map((p) => p.id)).toEqual([...old].reverse().map((p) => p.id));
    });

    it('filters by model, kind, language, status and date range', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const x = await store.prompts.create(
        fixturePrompt(u.id, {
          modelId: 'm1',
          kind: 'explain',
          language: 'go',
          status: 'failed',
          createdAt: new Date(T0.getTime() + 10 * MIN),
        }),
      );
      const y = await store.prompts.create(
        fixturePrompt(u.id, {
          modelId: 'm2',
          kind: 'generate',
          language: 'rust',
          status: 'completed',
          createdAt: new Date(T0.getTime() + 20 * MIN),
        }),
      );
      const ids = async (q: object) => (await store.prompts.listForUser(u.id, q, 10)).items.map((p) => p.id);
      expect(await ids({ modelId: 'm1' })).toEqual([x.id]);
      expect(await ids({ kind: 'generate' })).toEqual([y.id]);
      expect(await ids({ language: 'go' })).toEqual([x.id]);
      expect(await ids({ status: 'completed' })).toEqual([y.id]);
      expect(await ids({ from: new Date(T0.getTime() + 15 * MIN) })).toEqual([y.id]);
      expect(await ids({ to: new Date(T0.getTime() + 15 * MIN) })).toEqual([x.id]);
      expect(await ids({ modelId: 'm1', status: 'completed' })).toEqual([]);
    });

    it('finds every run of unknown language with language "any" ("Not specified"), in records and threads', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const made: PromptRecord[] = [];
      for (const [i, language] of ['any', 'text', 'python'].entries()) {
        const thread = await store.threads.create(
          fixtureThread(u.id, { updatedAt: new Date(T0.getTime() + i * MIN) }),
        );
        made.push(
          await store.prompts.create(
            fixturePrompt(u.id, {
              id: thread.id,
              threadId: thread.id,
              language,
              createdAt: new Date(T0.getTime() + i * MIN),
            }),
          ),
        );
      }
      const [stopped, undetected, python] = made.map((p) => p.id);
      const records = async (q: object) =>
        (await store.prompts.listForUser(u.id, q, 10)).items.map((p) => p.id);
      const threads = async (q: object) =>
        (await store.threads.listForUser(u.id, q, 10)).items.map((t) => t.id);
      expect(await records({ language: 'any' })).toEqual([undetected, stopped]);
      expect(await threads({ language: 'any' })).toEqual([undetected, stopped]);
      expect(await records({ language: 'python' })).toEqual([python]);
      expect(await threads({ language: 'python' })).toEqual([python]);
    });

    it('searches prompt, output and code, case-insensitively, as plain text', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const other = await store.users.create(fixtureUser());
      const inInput = await store.prompts.create(
        fixturePrompt(u.id, { input: 'Reverse a LinkedList in Rust' }),
      );
      const inOutput = await store.prompts.create(
        fixturePrompt(u.id, { input: 'x', output: 'uses a linkedlist node' }),
      );
      const inCode = await store.prompts.create(
        fixturePrompt(u.id, { input: 'y', code: 'class LinkedListNode:' }),
      );
      await store.prompts.create(fixturePrompt(other.id, { input: 'linkedlist of someone else' }));
      const special = await store.prompts.create(
        fixturePrompt(u.id, { input: 'a 100% "quoted" a_b (x) * OR y' }),
      );
      const ids = async (q: string) =>
        new Set((await store.prompts.listForUser(u.id, { q }, 20)).items.map((p) => p.id));
      expect(await ids('linkedlist')).toEqual(new Set([inInput.id, inOutput.id, inCode.id]));
      expect(await ids('LINKEDLIST NODE')).toEqual(new Set([inOutput.id]));
      expect(await ids('100%')).toEqual(new Set([special.id]));
      expect(await ids('"quoted"')).toEqual(new Set([special.id]));
      expect(await ids('a_b')).toEqual(new Set([special.id]));
      expect(await ids('* OR')).toEqual(new Set([special.id]));
      expect(await ids('%')).toEqual(new Set([special.id])); // short: no wildcard meaning
      expect(await ids('_b')).toEqual(new Set([special.id]));
      expect(await ids('no such text anywhere')).toEqual(new Set());
    });

    it('says nothing of a limit when a search read everything it had to (SQLite never limits one)', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const hit = await store.prompts.create(fixturePrompt(u.id, { input: 'a rare quokka' }));
      const page = await store.prompts.listSummariesForUser(u.id, { q: 'quokka' }, 20);
      expect(page.items.map((p) => p.id)).toEqual([hit.id]);
      expect(page.nextCursor).toBeNull();
      expect(page.searchLimited).toBeUndefined();
      expect(
        (await store.prompts.listForUser(u.id, { q: 'nothing like it' }, 20)).searchLimited,
      ).toBeUndefined();
      expect((await store.threads.listForUser(u.id, { q: 'quokka' }, 20)).searchLimited).toBeUndefined();
    });

    it('finds text set when a run finishes', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const p = await store.prompts.create(fixturePrompt(u.id));
      await store.prompts.finish(p.id, {
        status: 'completed',
        output: 'zebracorn answer',
        code: 'zebracorn()',
        language: 'python',
        sections: null,
        error: null,
        promptTokens: 1,
        completionTokens: 1,
        firstTokenMs: 1,
        totalMs: 1,
        finishedAt: T0,
      });
      expect((await store.prompts.listForUser(u.id, { q: 'zebracorn' }, 5)).items.map((x) => x.id)).toEqual([
        p.id,
      ]);
    });

    it('refuses a forged cursor', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      await expect(store.prompts.listForUser(u.id, {}, 5, 'not-a-cursor')).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    });

    it('deletes one record of the user, or all of them, and no one else’s', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      const [p1, p2] = await seed(store, a.id, 3);
      const [theirs] = await seed(store, b.id, 1);
      expect(await store.prompts.deleteForUser(b.id, p1?.id ?? '')).toBe(false);
      expect(await store.prompts.deleteForUser(a.id, p1?.id ?? '')).toBe(true);
      expect(await store.prompts.findById(p1?.id ?? '')).toBeNull();
      expect(await store.prompts.findById(p2?.id ?? '')).not.toBeNull();
      expect(await store.prompts.deleteAllForUser(a.id)).toBe(2);
      expect((await store.prompts.listForUser(a.id, {}, 10)).items).toEqual([]);
      expect(await store.prompts.findById(theirs?.id ?? '')).not.toBeNull();
    });

    it('counts runs by kind, by model with tokens, and per day including empty days', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const day = 86_400_000;
      await store.prompts.create(
        fixturePrompt(u.id, {
          modelId: 'm1',
          completionTokens: 10,
          createdAt: new Date(T0.getTime() + 1000),
        }),
      );
      await store.prompts.create(
        fixturePrompt(u.id, {
          modelId: 'm1',
          completionTokens: 5,
          createdAt: new Date(T0.getTime() + 2 * day),
        }),
      );
      await store.prompts.create(
        fixturePrompt(u.id, {
          modelId: 'm2',
          kind: 'explain',
          createdAt: new Date(T0.getTime() + 2 * day + 5),
        }),
      );
      const stats = await store.prompts.statsForUser(u.id, T0, new Date(T0.getTime() + 3 * day));
      expect(stats).toEqual({
        generations: 2,
        explanations: 1,
        byModel: [
          { modelId: 'm1', count: 2, completionTokens: 15 },
          { modelId: 'm2', count: 1, completionTokens: 0 },
        ],
        perDay: [
          { date: '2026-01-01', count: 1 },
          { date: '2026-01-02', count: 0 },
          { date: '2026-01-03', count: 2 },
        ],
      });
    });
  });

  describe('reading everything (db:copy)', () => {
    it('lists all users in id order by pages, and every session and reset token of a user', async () => {
      const store = getStore();
      const made = [];
      for (let i = 0; i < 5; i++) {
        made.push(await store.users.create(fixtureUser()));
      }
      const ids: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: { id: string }[] = await store.users.listAll(after, 2);
        if (page.length === 0) {
          break;
        }
        ids.push(...page.map((u) => u.id));
        after = page.at(-1)?.id ?? null;
      }
      expect(ids).toEqual(made.map((u) => u.id).sort());
      expect(await store.users.listAll(null, 1)).toEqual([await store.users.findById(ids[0] ?? '')]);

      const u = made[0];
      if (!u) {
        throw new Error('no user');
      }
      const live = fixtureSession(u.id, { createdAt: new Date(T0.getTime() + 1000) });
      const expired = fixtureSession(u.id, { expiresAt: T0 });
      await store.sessions.create(live);
      await store.sessions.create(expired);
      expect(await store.sessions.listAllForUser(u.id)).toEqual([live, expired]);
      const reset = {
        id: randomUUID(),
        userId: u.id,
        tokenHash: 'f'.repeat(64),
        createdAt: T0,
        expiresAt: T0,
        usedAt: T0,
      };
      await store.passwordResets.create(reset);
      expect(await store.passwordResets.listForUser(u.id)).toEqual([reset]);
      expect(await store.passwordResets.listForUser(made[1]?.id ?? '')).toEqual([]);
    });
  });

  describe('profile changes and account deletion', () => {
    it('changes the display name and email, refusing an email taken by someone else', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser({ displayName: 'Old' }));
      const b = await store.users.create(fixtureUser());
      const at = new Date(T0.getTime() + 5000);
      const updated = await store.users.updateProfile(
        a.id,
        { displayName: 'New', email: 'new@example.com' },
        at,
      );
      expect(updated).toMatchObject({ displayName: 'New', email: 'new@example.com', updatedAt: at });
      expect(await store.users.findByEmail('new@example.com')).toMatchObject({ id: a.id });
      expect(await store.users.updateProfile(a.id, { displayName: null }, at)).toMatchObject({
        displayName: null,
        email: 'new@example.com',
      });
      const error = await store.users.updateProfile(a.id, { email: b.email }, at).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).details).toEqual({ fields: { email: expect.any(String) } });
      expect(await store.users.updateProfile(a.id, { email: 'new@example.com' }, at)).toMatchObject({
        id: a.id,
      });
      expect(await store.users.updateProfile(randomUUID(), { displayName: 'x' }, at)).toBeNull();
    });

    it('deleting a user removes every record of theirs and nothing of anyone else, and can be repeated', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      for (const u of [a, b]) {
        await store.sessions.create(fixtureSession(u.id));
        await store.passwordResets.create({
          id: randomUUID(),
          userId: u.id,
          tokenHash: randomUUID().replaceAll('-', '').padEnd(64, '1'),
          createdAt: T0,
          expiresAt: new Date(T0.getTime() + MIN),
          usedAt: null,
        });
        await store.activity.append({
          id: randomUUID(),
          userId: u.id,
          kind: 'sign_in',
          createdAt: T0,
          ip: null,
          userAgent: null,
          details: {},
        });
        await seed(store, u.id, 2);
      }
      expect(await store.users.delete(a.id)).toBe(true);
      expect(await store.users.findById(a.id)).toBeNull();
      expect(await store.sessions.listActiveForUser(a.id, T0, 86_400_000)).toEqual([]);
      expect(await store.activity.listForUser(a.id, 10)).toEqual([]);
      expect((await store.prompts.listForUser(a.id, {}, 10)).items).toEqual([]);
      expect((await store.prompts.listForUser(a.id, { q: 'prompt number' }, 10)).items).toEqual([]);
      expect(await store.passwordResets.invalidateUnused(a.id, T0)).toBe(0);
      expect(await store.users.delete(a.id)).toBe(false);
      // The other user is untouched.
      expect(await store.users.findById(b.id)).not.toBeNull();
      expect(await store.sessions.listActiveForUser(b.id, T0, 86_400_000)).toHaveLength(1);
      expect(await store.activity.listForUser(b.id, 10)).toHaveLength(1);
      expect((await store.prompts.listForUser(b.id, { q: 'prompt number' }, 10)).items).toHaveLength(2);
    });
  });
}
