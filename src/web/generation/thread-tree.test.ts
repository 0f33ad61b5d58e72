import { describe, expect, it } from 'vitest';
import { chainOf, choose, versionsAfter, withTurn, type TreeTurn } from './thread-tree';

const turn = (id: string, parentId: string | null, minute: number): TreeTurn => ({
  id,
  parentId,
  createdAt: `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
});

// a: first turn; b1, b2: two versions of the follow-up; c after b1; d after b2; a2: a second version of a.
const turns = [
  turn('a', null, 0),
  turn('b1', 'a', 1),
  turn('c', 'b1', 2),
  turn('b2', 'a', 3),
  turn('a2', null, 4),
  turn('d', 'b2', 5),
];
const ids = (chain: ReturnType<typeof chainOf>) => chain.map((step) => step.turn.id);

describe('versionsAfter', () => {
  it('lists the versions of a position oldest first, whatever the order of the list', () => {
    expect(versionsAfter(turns, 'a').map((t) => t.id)).toEqual(['b1', 'b2']);
    expect(versionsAfter([...turns].reverse(), null).map((t) => t.id)).toEqual(['a', 'a2']);
    expect(versionsAfter(turns, 'c')).toEqual([]);
  });

  it('keeps the list order for versions made in the same instant', () => {
    const same = [turn('x', null, 1), turn('y', null, 1)];
    expect(versionsAfter(same, null).map((t) => t.id)).toEqual(['x', 'y']);
  });
});

describe('chainOf', () => {
  it('shows the latest version of each position and its follow-ups by default', () => {
    expect(ids(chainOf(turns, {}))).toEqual(['a2']);
    const chain = chainOf(turns, { '': 'a' });
    expect(ids(chain)).toEqual(['a', 'b2', 'd']);
    expect(chain.map((step) => [step.index, step.versions.length])).toEqual([
      [0, 2],
      [1, 2],
      [0, 1],
    ]);
  });

  it('follows the branch of a chosen version', () => {
    expect(ids(chainOf(turns, { '': 'a', a: 'b1' }))).toEqual(['a', 'b1', 'c']);
    const chosen = choose(choose({}, turns[0] as TreeTurn), turns[1] as TreeTurn);
    expect(ids(chainOf(turns, chosen))).toEqual(['a', 'b1', 'c']);
  });

  it('falls back to the latest version when the chosen one is gone', () => {
    expect(ids(chainOf(turns, { '': 'a', a: 'deleted' }))).toEqual(['a', 'b2', 'd']);
  });

  it('is empty without turns and stops at a turn that is its own ancestor', () => {
    expect(chainOf([], {})).toEqual([]);
    const loop = [turn('p', null, 0), turn('q', 'p', 1), turn('p', 'q', 2)];
    expect(ids(chainOf(loop, {}))).toEqual(['p', 'q']);
  });
});

describe('withTurn', () => {
  it('adds a new turn and replaces a known one in place', () => {
    const live = turn('e', 'd', 6);
    expect(withTurn(turns, live).at(-1)).toBe(live);
    const updated = { ...turn('c', 'b1', 2), createdAt: 'later' };
    const merged = withTurn(turns, updated);
    expect(merged).toHaveLength(turns.length);
    expect(merged[2]).toBe(updated);
  });
});
