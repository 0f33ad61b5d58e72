import { describe, expect, it } from 'vitest';
import { chainOf, withTurn } from '../generation/thread-tree';
import { GenerationRun } from '../stores/generation-run';
import { threadTurn } from '../generation/thread-turn.fixture';
import { liveTurnOf, PENDING_TURN } from './useThread';

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
