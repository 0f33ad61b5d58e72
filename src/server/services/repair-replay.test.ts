import { describe, expect, it } from 'vitest';
import { fixturePrompt } from '../store/store-prompts.contract.js';
import { FAILED, PASSED } from '../store/store-repairs.contract.js';
import type { PromptRecord } from '../store/store.port.js';
import type { RepairRunResult } from '../../shared/repair/repair.schemas.js';
import { LIMITED_REPLAY, outcomeOf, repairReplayEvents, roundsOf } from './repair-replay.js';

const READABLE = '```python\ndef f(): pass\n```\n```python\n# tests\nassert f() is None\n```';

/** A run's first turn and `n` repair turns after it, each completed with a readable answer. */
function rounds(n: number, last: Partial<PromptRecord> = {}): PromptRecord[] {
  const first = fixturePrompt('u1', {
    params: { repairRounds: 2 },
    language: 'python',
    output: READABLE,
    status: 'completed',
  });
  const all = [first];
  for (let i = 1; i <= n; i += 1) {
    const parent = all[i - 1] as PromptRecord;
    all.push(
      fixturePrompt('u1', {
        threadId: first.threadId,
        parentId: parent.id,
        params: { repairRound: true },
        language: 'python',
        output: READABLE,
        status: 'completed',
      }),
    );
  }
  all[n] = { ...(all[n] as PromptRecord), ...last };
  return all;
}
const runsOf = (records: PromptRecord[], results: (RepairRunResult | undefined)[]) =>
  new Map(records.flatMap((r, i) => (results[i] ? [[r.id, results[i]] as const] : [])));

describe('the replay of a finished Test and fix run', () => {
  it('follows the repair turns after the first one, leaving other turns of the thread out', () => {
    const [first, second] = rounds(1) as [PromptRecord, PromptRecord];
    const followUp = fixturePrompt('u1', { threadId: first.threadId, parentId: second.id });
    const regenerated = fixturePrompt('u1', { threadId: first.threadId, parentId: first.id });
    expect(roundsOf(first, [regenerated, first, followUp, second]).map((r) => r.id)).toEqual([
      first.id,
      second.id,
    ]);
  });

  it('reads the outcome back from the last round', () => {
    const two = rounds(1);
    expect(outcomeOf(two, runsOf(two, [FAILED, PASSED]), 2)).toEqual({ status: 'passed', fixes: 1 });
    const three = rounds(2);
    expect(outcomeOf(three, runsOf(three, [FAILED, FAILED, FAILED]), 2)).toEqual({
      status: 'failed',
      fixes: 2,
      lastRun: FAILED,
    });
    // Fewer fixes than allowed after a failing run: a limit refused the next round.
    expect(outcomeOf(two, runsOf(two, [FAILED, FAILED]), 2)).toEqual({
      status: 'limited',
      fixes: 1,
      message: LIMITED_REPLAY,
    });
    const error = { ...FAILED, status: 'error' as const, message: 'Pyodide did not start' };
    expect(outcomeOf(two, runsOf(two, [FAILED, error]), 2)).toEqual({
      status: 'error',
      fixes: 1,
      message: 'Pyodide did not start',
    });
  });

  it('tells an unreadable answer from a stop during a run, and a stop during an answer', () => {
    const unreadable = rounds(1, { output: 'Just prose.' });
    // The first answer could not be read either: the second turn was a format reminder, not a fix.
    expect(outcomeOf(unreadable, runsOf(unreadable, []), 2)).toEqual({
      status: 'no-code',
      fixes: 0,
      problem: 'no-code',
    });
    const stoppedInRun = rounds(1);
    expect(outcomeOf(stoppedInRun, runsOf(stoppedInRun, [FAILED]), 2)).toEqual({
      status: 'stopped',
      fixes: 1,
    });
    const stoppedInAnswer = rounds(1, { status: 'cancelled', output: 'par' });
    expect(outcomeOf(stoppedInAnswer, runsOf(stoppedInAnswer, [FAILED]), 2)).toEqual({
      status: 'stopped',
      fixes: 1,
    });
    const failed = rounds(1, { status: 'failed', error: { code: 'provider_error', message: 'lost' } });
    expect(outcomeOf(failed, runsOf(failed, [FAILED]), 2)).toBeUndefined();
  });

  it('ends a run stopped during its test run with the cancelled error, not done', () => {
    const records = rounds(1);
    const events = repairReplayEvents(records[0] as PromptRecord, records, runsOf(records, [FAILED]), 2);
    expect(events.map((e) => e.event.event)).toEqual([
      'start',
      'round',
      'token',
      'run',
      'round',
      'token',
      'repaired',
      'error',
    ]);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.at(-1)?.event.data).toMatchObject({ code: 'cancelled' });
  });
});
