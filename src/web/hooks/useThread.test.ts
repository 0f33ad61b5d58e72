import { describe, expect, it } from 'vitest';
import { chainOf, withTurn } from '../generation/thread-tree';
import { GenerationRun } from '../stores/generation-run';
import { threadTurn } from '../generation/thread-turn.fixture';
import { earlierRoundTurns, liveTurnOf, nextChoiceState, PENDING_TURN, type ChoiceState } from './useThread';

const stored = threadTurn();

describe('liveTurnOf (the run drawn into its thread)', () => {
  const run = new GenerationRun({
    kind: 'generate',
    body: { prompt: 'now add type hints', language: 'python', threadId: stored.id, parentId: 'a' },
  });

  it('is a pending turn after its parent, newest at its position, until the start event names it', () => {
    const live = liveTurnOf(run, run.getSnapshot(), undefined);
    expect(live).toMatchObject({ id: PENDING_TURN, parentId: 'a', status: 'running' });
    expect(live.kind === 'generate' && live.prompt).toBe('now add type hints');
    // The follow-up shows after the turn it follows.
    const chain = chainOf(withTurn([stored], live), {});
    expect(chain.map((step) => step.turn.id)).toEqual(['a', PENDING_TURN]);
  });

  it('takes the stored turn’s place (and time) once the server lists it, with the output so far', () => {
    const snapshot = {
      ...run.getSnapshot(),
      id: 'b',
      status: 'streaming' as const,
      output: 'def add(a: int',
    };
    const saved = { ...stored, id: 'b', parentId: 'a', output: '', status: 'running' as const };
    const live = liveTurnOf(run, snapshot, saved);
    expect(live).toMatchObject({ id: 'b', output: 'def add(a: int', createdAt: saved.createdAt });
    const turns = withTurn([stored, saved], live);
    expect(turns).toHaveLength(2);
    expect(turns[1]?.output).toBe('def add(a: int');
  });

  it('says how the run ended', () => {
    const base = run.getSnapshot();
    expect(liveTurnOf(run, { ...base, id: 'b', status: 'done' }, undefined).status).toBe('completed');
    expect(liveTurnOf(run, { ...base, id: 'b', status: 'stopped' }, undefined).status).toBe('cancelled');
    expect(liveTurnOf(run, { ...base, id: 'b', status: 'failed' }, undefined).status).toBe('failed');
  });
});

describe('a Test and fix run drawn into its thread', () => {
  const run = new GenerationRun({
    kind: 'generate',
    body: { prompt: 'add two numbers', language: 'python', repair: { rounds: 2 } },
  });
  const failed = { status: 'failed' as const, output: 'AssertionError', durationMs: 4 };
  const first = { round: 0, id: 'a', parentId: null, output: 'first answer', run: failed };
  const second = { round: 1, id: 'b', parentId: 'a', output: '', run: null };
  const snapshot = {
    ...run.getSnapshot(),
    id: 'a',
    status: 'streaming' as const,
    output: 'second answer',
    repair: { rounds: [first, second], outcome: null },
  };

  it('draws each round as a turn after the one before: the finished ones with their run, the current one live', () => {
    const live = liveTurnOf(run, snapshot, undefined);
    expect(live).toMatchObject({ id: 'b', parentId: 'a', status: 'running', output: 'second answer' });
    expect(live.params).toEqual({ repairRound: true });
    expect(live.testRun).toBeUndefined();
    const earlier = earlierRoundTurns(run, snapshot, []);
    expect(earlier).toHaveLength(1);
    expect(earlier[0]).toMatchObject({
      id: 'a',
      parentId: null,
      status: 'completed',
      output: 'first answer',
      testRun: failed,
    });
    const chain = chainOf(withTurn(earlier, live), {});
    expect(chain.map((step) => step.turn.id)).toEqual(['a', 'b']);
  });

  it('takes the loop’s request from the stored turn and the run once it came', () => {
    const saved = { ...stored, id: 'b', parentId: 'a', prompt: 'The tests failed. Fix the code.' };
    const passed = { status: 'passed' as const, output: '', durationMs: 2 };
    const ended = {
      ...snapshot,
      repair: {
        ...snapshot.repair,
        rounds: [first, { ...second, run: passed }],
      },
    };
    const live = liveTurnOf(run, ended, saved);
    expect(live).toMatchObject({ prompt: 'The tests failed. Fix the code.', testRun: passed });
  });
});

describe('nextChoiceState (the versions on screen, kept across a refresh)', () => {
  const kept: Record<string, ChoiceState> = {
    t: { threadId: 't', choices: { a: 'b1' }, live: 'b2' },
  };
  const load = (threadId: string | null): ChoiceState =>
    (threadId !== null ? kept[threadId] : undefined) ?? { threadId, choices: {}, live: null };

  it('shows a new run’s turn at its position, once', () => {
    const start = load('t');
    const next = nextChoiceState(start, 't', { id: 'b3', parentId: 'a' }, load);
    expect(next).toEqual({ threadId: 't', choices: { a: 'b3' }, live: 'b3' });
    // The user goes back a version while the same run is still attached: their choice stays.
    const back = { ...next, choices: { a: 'b1' } };
    expect(nextChoiceState(back, 't', { id: 'b3', parentId: 'a' }, load)).toBe(back);
  });

  it('after a refresh, keeps the version the user had chosen over the run attached again', () => {
    // b2 is the run the page attaches to again; b1 was on screen.
    const reloaded = nextChoiceState(load(null), 't', { id: 'b2', parentId: 'a' }, load);
    expect(reloaded.choices).toEqual({ a: 'b1' });
    expect(
      chainOf(
        [
          stored,
          threadTurn({ id: 'b1', parentId: 'a' }),
          threadTurn({ id: 'b2', parentId: 'a', createdAt: '2026-01-01T10:05:00.000Z' }),
        ],
        reloaded.choices,
      ).map((step) => step.turn.id),
    ).toEqual(['a', 'b1']);
  });

  it('loads the kept versions of the thread that comes on screen, and nothing for a new one', () => {
    const state = nextChoiceState(load('t'), 'u', null, load);
    expect(state).toEqual({ threadId: 'u', choices: {}, live: null });
    const same = nextChoiceState(state, 'u', null, load);
    expect(same).toBe(state);
    // A new conversation: its first run is shown once the server names its thread.
    const pending = nextChoiceState(load(null), null, { id: PENDING_TURN, parentId: null }, load);
    expect(nextChoiceState(pending, 'v', { id: 'v', parentId: null }, load)).toEqual({
      threadId: 'v',
      choices: { '': 'v' },
      live: 'v',
    });
  });
});
