import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PROMPT_SUMMARY_FIELDS,
  runningOutcome,
  type PromptRecord,
  type PromptSummary,
  type Store,
} from './store.port.js';
import { fixtureUser, T0 } from './store-fixtures.js';

/** A running generate record of `userId`. */
export function fixturePrompt(userId: string, overrides: Partial<PromptRecord> = {}): PromptRecord {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    userId,
    // A one-turn thread of its own unless the test says otherwise.
    threadId: id,
    parentId: null,
    kind: 'generate',
    modelId: 'deepseek-coder-1.3b',
    params: { temperature: 0.2, maxTokens: 256, topP: 0.95, stop: ['\n\n'], note: null },
    input: 'Write a function that adds two numbers — with ünïcödé and "quotes"',
    generationId: null,
    createdAt: T0,
    ...runningOutcome('python'),
    ...overrides,
  };
}

/** Part of the store contract: the prompts collection. */
export function describePromptContract(getStore: () => Store): void {
  describe('prompts', () => {
    it('creates a running record and finds it with every field', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const p = fixturePrompt(u.id);
      await store.prompts.create(p);
      expect(await store.prompts.findById(p.id)).toEqual(p);
      expect(await store.prompts.findById(randomUUID())).toBeNull();
    });

    it('records the outcome of a run, sections and errors included', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const gen = await store.prompts.create(fixturePrompt(u.id));
      const explain = await store.prompts.create(
        fixturePrompt(u.id, {
          kind: 'explain',
          generationId: gen.id,
          params: { level: 'expert', format: 'line-by-line' },
        }),
      );
      const finishedAt = new Date(T0.getTime() + 1234);
      const outcome = {
        status: 'completed' as const,
        output: '{"sections": []}',
        code: null,
        language: 'python',
        sections: [{ startLine: 1, endLine: 2, explanation: 'Adds.' }],
        error: null,
        promptTokens: 12,
        completionTokens: 34,
        firstTokenMs: 56,
        totalMs: 1234,
        finishedAt,
      };
      expect(await store.prompts.finish(explain.id, outcome)).toBe(true);
      expect(await store.prompts.findById(explain.id)).toEqual({ ...explain, ...outcome });

      const failed = {
        ...outcome,
        status: 'failed' as const,
        output: 'partial',
        sections: null,
        error: { code: 'provider_error', message: 'lost' },
        completionTokens: null,
      };
      expect(await store.prompts.finish(gen.id, failed)).toBe(true);
      expect(await store.prompts.findById(gen.id)).toEqual({ ...gen, ...failed });
      expect(await store.prompts.finish(randomUUID(), outcome)).toBe(false);
    });

    it('saves the progress of a running record only, and keeps it when the record is marked failed', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const running = await store.prompts.create(fixturePrompt(u.id));
      const done = await store.prompts.create(
        fixturePrompt(u.id, { status: 'completed', output: 'final', completionTokens: 9, finishedAt: T0 }),
      );
      expect(await store.prompts.saveProgress(running.id, 'def add(a, b):', 5)).toBe(true);
      expect(await store.prompts.findById(running.id)).toEqual({
        ...running,
        output: 'def add(a, b):',
        completionTokens: 5,
      });
      expect(await store.prompts.saveProgress(done.id, 'late', 1)).toBe(false);
      expect(await store.prompts.findById(done.id)).toEqual(done);
      expect(await store.prompts.saveProgress(randomUUID(), 'x', null)).toBe(false);

      const error = { code: 'interrupted', message: 'The server stopped during this generation.' };
      await store.prompts.failRunning(error, T0);
      expect(await store.prompts.findById(running.id)).toMatchObject({
        status: 'failed',
        output: 'def add(a, b):',
        completionTokens: 5,
      });
    });

    it('marks every running record failed, and only those', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const running = await store.prompts.create(fixturePrompt(u.id));
      const done = await store.prompts.create(
        fixturePrompt(u.id, { status: 'completed', output: 'x', finishedAt: T0 }),
      );
      const at = new Date(T0.getTime() + 5000);
      const error = { code: 'interrupted', message: 'The server restarted during this generation.' };
      expect(await store.prompts.failRunning(error, at)).toBe(1);
      expect(await store.prompts.findById(running.id)).toMatchObject({
        status: 'failed',
        error,
        finishedAt: at,
      });
      expect(await store.prompts.findById(done.id)).toEqual(done);
      expect(await store.prompts.failRunning(error, at)).toBe(0);
    });

    it('lists summaries: the pages of the full listing, with only the fields a list shows', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const other = await store.users.create(fixtureUser());
      await store.prompts.create(fixturePrompt(other.id));
      for (let i = 0; i < 3; i++) {
        const at = new Date(T0.getTime() + i * 1000);
        await store.prompts.create(
          fixturePrompt(u.id, {
            kind: i === 1 ? 'explain' : 'generate',
            status: 'completed',
            output: `output ${i}`.repeat(100),
            code: `code ${i}`,
            sections: [{ startLine: 1, endLine: 1, explanation: 'One.' }],
            completionTokens: 10 + i,
            firstTokenMs: 5,
            totalMs: 50 + i,
            createdAt: at,
            finishedAt: at,
          }),
        );
      }
      const summary = (p: PromptRecord): PromptSummary =>
        Object.fromEntries(PROMPT_SUMMARY_FIELDS.map((field) => [field, p[field]])) as PromptSummary;
      const first = await store.prompts.listForUser(u.id, {}, 2);
      const page = await store.prompts.listSummariesForUser(u.id, {}, 2);
      expect(page).toEqual({ items: first.items.map(summary), nextCursor: first.nextCursor });
      expect(first.nextCursor).not.toBeNull();
      const rest = await store.prompts.listForUser(u.id, {}, 2, first.nextCursor ?? undefined);
      expect(await store.prompts.listSummariesForUser(u.id, {}, 2, page.nextCursor ?? undefined)).toEqual({
        items: rest.items.map(summary),
        nextCursor: null,
      });
      const explains = await store.prompts.listSummariesForUser(u.id, { kind: 'explain' }, 10);
      expect(explains.items.map((p) => p.kind)).toEqual(['explain']);
      expect(Object.keys(explains.items[0] ?? {})).not.toContain('output');
    });

    it("changes the listing revision with every write to the user's records and no one else's, or keeps none", async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const other = await store.users.create(fixtureUser());
      const revision = () => store.prompts.listingRevision(u.id);
      const seen = [await revision()];
      const changed = async () => {
        const now = await revision();
        if (seen[0] === null) {
          // An adapter that keeps no revision says so every time: callers then never cache.
          expect(now).toBeNull();
        } else {
          expect(seen).not.toContain(now);
        }
        seen.push(now);
      };
      const p = await store.prompts.create(fixturePrompt(u.id));
      await changed();
      await store.prompts.saveProgress(p.id, 'partial', 3);
      await changed();
      await store.prompts.finish(p.id, { ...runningOutcome('python'), status: 'completed', output: 'done' });
      await changed();
      await store.prompts.create(fixturePrompt(other.id));
      expect(await revision()).toBe(seen.at(-1));
      await store.prompts.deleteForUser(u.id, p.id);
      await changed();
      await store.prompts.create(fixturePrompt(u.id));
      await changed();
      await store.prompts.deleteAllForUser(u.id);
      await changed();
    });
  });
}
