import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { fixturePrompt } from '../store/store-prompts.contract.js';
import type { PromptRecord } from '../store/store.port.js';
import { ancestry, priorTurns, threadStartedBy, toThreadTurn } from './thread.service.js';

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
