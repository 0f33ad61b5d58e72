import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../errors.js';
import { fixturePrompt } from '../store/store-prompts.contract.js';
import type { PromptRecord, Store, ThreadRecord } from '../store/store.port.js';
import {
  ancestry,
  compareThreadId,
  placeGenerateTurn,
  priorTurns,
  saveThreadOf,
  threadStartedBy,
  toThreadTurn,
} from './thread.service.js';

/** A turn of thread `t` with id `id` following `parentId`. */
function turn(id: string, parentId: string | null, overrides: Partial<PromptRecord> = {}): PromptRecord {
  return fixturePrompt('u', {
    id,
    threadId: 't',
    parentId,
    input: `in ${id}`,
    output: `out ${id}`,
    ...overrides,
  });
}

describe('ancestry', () => {
  // a ─┬─ b ── d
  //    └─ c ── e
  const turns = [turn('a', null), turn('b', 'a'), turn('c', 'a'), turn('d', 'b'), turn('e', 'c')];

  it('follows the parent links of the chosen versions up to the first position, oldest first', () => {
    expect(ancestry(turns, 'e').map((t) => t.id)).toEqual(['a', 'c', 'e']);
    expect(ancestry(turns, 'd').map((t) => t.id)).toEqual(['a', 'b', 'd']);
    expect(ancestry(turns, 'a').map((t) => t.id)).toEqual(['a']);
  });

  it('is empty for the first position', () => {
    expect(ancestry(turns, null)).toEqual([]);
  });

  it('refuses a parent that is not a turn of the thread', () => {
    expect(() => ancestry(turns, 'z')).toThrow(NotFoundError);
  });

  it('starts after an earlier turn deleted from the history', () => {
    const gap = turns.filter((t) => t.id !== 'c');
    expect(ancestry(gap, 'e').map((t) => t.id)).toEqual(['e']);
  });

  it('stops on a loop of damaged links instead of running forever', () => {
    const looped = [turn('x', 'y'), turn('y', 'x')];
    expect(ancestry(looped, 'x').length).toBeLessThanOrEqual(3);
  });
});

describe('turns as the planner and the API see them', () => {
  it('gives the planner kind, input, output and language of each earlier turn', () => {
    expect(priorTurns([turn('a', null, { kind: 'explain', language: 'go' })])).toEqual([
      { kind: 'explain', input: 'in a', output: 'out a', language: 'go' },
    ]);
  });

  it('titles a new thread from its first turn, at the turn’s time', () => {
    const first = turn('t', null, {
      kind: 'explain',
      input: 'x = 1',
      params: { level: 'expert', format: 'overview' },
    });
    expect(threadStartedBy(first)).toEqual({
      id: 't',
      userId: 'u',
      title: 'x = 1 (expert, overview)',
      kind: 'explain',
      createdAt: first.createdAt,
      updatedAt: first.createdAt,
    });
  });

  it('shows a Generate turn’s prompt and extracted code, and an Explain turn’s code, with usage and timings', () => {
    const done = {
      status: 'completed' as const,
      code: 'def f(): ...',
      promptTokens: 10,
      completionTokens: 20,
      firstTokenMs: 100,
      totalMs: 2100,
      finishedAt: new Date(0),
    };
    expect(toThreadTurn(turn('a', null, done))).toMatchObject({
      kind: 'generate',
      prompt: 'in a',
      code: 'def f(): ...',
      usage: { promptTokens: 10, completionTokens: 20 },
      timings: { firstTokenMs: 100, totalMs: 2100, tokensPerSecond: 10 },
    });
    const explained = toThreadTurn(turn('b', 'a', { kind: 'explain' }));
    expect(explained).toMatchObject({ kind: 'explain', code: 'in b', parentId: 'a' });
    expect(explained).not.toHaveProperty('prompt');
  });
});

describe('a Compare’s thread', () => {
  const groupId = '5b3c1f0e-8a2d-4c1b-9e7f-0a1b2c3d4e5f';
  const noStore = {} as Parameters<typeof placeGenerateTurn>[0];
  const now = new Date('2026-01-01T10:00:00.000Z');
  /** The user's Compare thread of `groupId` as placed at `now`. */
  const compareThread = (title: string, id = compareThreadId('u', groupId)): ThreadRecord => ({
    id,
    userId: 'u',
    title,
    kind: 'compare',
    createdAt: now,
    updatedAt: now,
  });

  it('has an id that is a UUID, the same for a user and group, another for another user or group', () => {
    const id = compareThreadId('u', groupId);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(compareThreadId('u', groupId)).toBe(id);
    expect(compareThreadId('v', groupId)).not.toBe(id);
    expect(compareThreadId('u', '6b3c1f0e-8a2d-4c1b-9e7f-0a1b2c3d4e5f')).not.toBe(id);
  });

  it('places a run of a group at the first position of that thread, titled from the prompt, without asking the store', async () => {
    const place = await placeGenerateTurn(noStore, 'u', { groupId, prompt: 'Sort a list\nfast' }, now);
    const thread = compareThread('Sort a list…');
    expect(place).toEqual({ thread, parentId: null, earlier: [], group: thread });
  });

  it('carries the run’s column in its Compare, and none for a run without one', async () => {
    const place = await placeGenerateTurn(noStore, 'u', { groupId, column: 2, prompt: 'Sort' }, now);
    expect(place.column).toBe(2);
    const unplaced = await placeGenerateTurn(noStore, 'u', { groupId, prompt: 'Sort' }, now);
    expect('column' in unplaced).toBe(false);
  });

  it('joins the thread when another server instance created it between the touch and the create', async () => {
    const thread = compareThread('Sort a list');
    let exists = false;
    const touches: boolean[] = [];
    const store = {
      threads: {
        // The other instance's create lands just after this instance's first touch.
        touch: async () => {
          touches.push(exists);
          const found = exists;
          exists = true;
          return found;
        },
        create: async () => {
          throw new ConflictError('A thread with this id already exists.');
        },
      },
    } as unknown as Store;
    await saveThreadOf(store, turn('r', null, { threadId: thread.id, createdAt: now }), thread);
    expect(touches).toEqual([false, true]);
  });

  it('passes on other failures to create the thread', async () => {
    const thread = compareThread('x', 't');
    const store = {
      threads: {
        touch: async () => false,
        create: async () => {
          throw new Error('disk I/O error');
        },
      },
    } as unknown as Store;
    await expect(saveThreadOf(store, turn('r', null), thread)).rejects.toThrow('disk I/O error');
  });

  it('refuses a group run naming a parent without a thread', async () => {
    await expect(
      placeGenerateTurn(noStore, 'u', { groupId, prompt: 'x', parentId: 'p' }, now),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
