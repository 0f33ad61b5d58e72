import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import { fixturePrompt } from '../store/store-prompts.contract.js';
import { fixtureUser, T0 } from '../store/store-fixtures.js';
import type { PromptRecord } from '../store/store.port.js';
import { followRun } from './run-follow.js';
import { systemTimers, type NumberedEvent } from './run-registry.js';
import { resultOfRecord } from './run-replay.js';

const POLL_MS = 100;

describe('followRun (a run another instance drives)', () => {
  let store: SqliteStore;
  let record: PromptRecord;

  beforeEach(async () => {
    vi.useFakeTimers();
    store = SqliteStore.open(':memory:');
    const user = await store.users.create(fixtureUser());
    record = await store.prompts.create(fixturePrompt(user.id, { output: 'def', completionTokens: 1 }));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
  });

  const follow = () => followRun(record, { prompts: store.prompts, timers: systemTimers, pollMs: POLL_MS });

  /** The next event, once the poll that brings it has run. */
  async function next(reader: AsyncIterator<NumberedEvent>): Promise<IteratorResult<NumberedEvent>> {
    const pending = reader.next();
    await vi.advanceTimersByTimeAsync(POLL_MS);
    return pending;
  }

  it('sends what is saved, each saved addition, then the end of the finished record, numbered as the owner does', async () => {
    const reader = follow()[Symbol.asyncIterator]();
    expect((await reader.next()).value).toMatchObject({
      id: 1,
      event: { event: 'start', data: { id: record.id } },
    });
    expect((await reader.next()).value).toEqual({ id: 2, event: { event: 'token', data: { text: 'def' } } });

    // The owner sent ' add' in three token events: this token takes the number of the last of them.
    await store.prompts.saveProgress(record.id, 'def add', 4);
    expect((await next(reader)).value).toEqual({ id: 5, event: { event: 'token', data: { text: ' add' } } });

    const outcome = {
      status: 'completed' as const,
      output: 'def add(a, b)',
      code: 'def add(a, b)',
      language: 'python',
      sections: null,
      error: null,
      promptTokens: 7,
      completionTokens: 3,
      firstTokenMs: 5,
      totalMs: 50,
      finishedAt: T0,
    };
    await store.prompts.finish(record.id, outcome);
    // A final record's count may be the model's usage figure: the numbers just go on.
    expect((await next(reader)).value).toEqual({
      id: 6,
      event: { event: 'token', data: { text: '(a, b)' } },
    });
    expect((await reader.next()).value).toEqual({
      id: 7,
      event: { event: 'done', data: resultOfRecord({ ...record, ...outcome }) },
    });
    expect((await reader.next()).done).toBe(true);
  });

  it('ends with the stored error of a run stopped or failed elsewhere', async () => {
    const reader = follow()[Symbol.asyncIterator]();
    await reader.next();
    await reader.next();
    const failure = { code: 'interrupted', message: 'The server stopped during this generation.' };
    await store.instances.failOrphanedRuns(
      { gone: [], live: [], createdBefore: new Date(8.64e15) },
      failure,
      T0,
    );
    expect((await next(reader)).value).toEqual({ id: 3, event: { event: 'error', data: failure } });
    expect((await reader.next()).done).toBe(true);
  });

  it('stops reading the record once the client goes', async () => {
    const read = vi.spyOn(store.prompts, 'findById');
    const run = follow();
    const reader = run[Symbol.asyncIterator]();
    await reader.next();
    await reader.next();
    const pending = reader.next();
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(read).toHaveBeenCalledTimes(1);
    run.close();
    expect((await pending).done).toBe(true);
    await vi.advanceTimersByTimeAsync(10 * POLL_MS);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('ends without an end event when the record is deleted meanwhile', async () => {
    const reader = follow()[Symbol.asyncIterator]();
    await reader.next();
    await reader.next();
    await store.prompts.deleteForUser(record.userId, record.id);
    expect((await next(reader)).done).toBe(true);
  });
});
