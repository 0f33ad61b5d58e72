import { describe, expect, it } from 'vitest';
import {
  currentRound,
  earlierRounds,
  liveRepairSummary,
  NO_REPAIR_PROGRESS,
  repairFieldOf,
  repairUnavailableReason,
  summaryOfOutcome,
  summaryOfTurns,
  withRound,
  withRun,
} from './repair-progress';

const FAILED = {
  status: 'failed' as const,
  output: 'Traceback\nAssertionError: 1 != 2',
  message: 'AssertionError: 1 != 2',
  durationMs: 3,
};
const PASSED = { status: 'passed' as const, output: '', durationMs: 2 };

describe('Test and fix rounds from the stream', () => {
  it('keeps the answer of a round when the next begins, and each run on its round', () => {
    let progress = withRound(NO_REPAIR_PROGRESS, { round: 0, id: 'a', parentId: null }, '');
    progress = withRun(progress, { round: 0, ...FAILED });
    progress = withRound(progress, { round: 1, id: 'b', parentId: 'a' }, 'first answer');
    expect(earlierRounds(progress)).toEqual([
      { round: 0, id: 'a', parentId: null, output: 'first answer', run: FAILED },
    ]);
    expect(currentRound(progress)).toEqual({ round: 1, id: 'b', parentId: 'a', output: '', run: null });
    expect(currentRound(null)).toBeNull();
  });

  it('replaces a round sent again (a replay) instead of adding it twice', () => {
    let progress = withRound(NO_REPAIR_PROGRESS, { round: 0, id: 'a', parentId: null }, '');
    progress = withRound(progress, { round: 1, id: 'b', parentId: 'a' }, 'x');
    progress = withRound(progress, { round: 0, id: 'a', parentId: null }, 'y');
    expect(progress.rounds.map((r) => r.id)).toEqual(['a']);
  });
});

describe('the words of the end', () => {
  it('says its own tests passed, with the fixes it took, and never more than that', () => {
    expect(summaryOfOutcome({ status: 'passed', fixes: 0 }).text).toBe(
      'Passed its own tests on the first try',
    );
    expect(summaryOfOutcome({ status: 'passed', fixes: 2 }).text).toBe('Passed its own tests after 2 fixes');
    expect(summaryOfOutcome({ status: 'passed', fixes: 1 }).text).toBe('Passed its own tests after 1 fix');
  });

  it('gives the last error of a run that still fails, and says why others stopped', () => {
    const failing = summaryOfOutcome({ status: 'failed', fixes: 3, lastRun: FAILED });
    expect(failing).toEqual({
      tone: 'failed',
      text: 'Still failing its own tests after 3 fixes: here is the last error',
      lastRun: FAILED,
    });
    expect(summaryOfOutcome({ status: 'stopped', fixes: 1 }).text).toBe('Stopped after 1 fix');
    expect(summaryOfOutcome({ status: 'limited', fixes: 1, message: 'Too many.' }).text).toBe(
      'Stopped after 1 fix: Too many.',
    );
    expect(summaryOfOutcome({ status: 'error', fixes: 0, message: 'No Python.' }).text).toContain(
      'No Python.',
    );
    expect(summaryOfOutcome({ status: 'no-code', fixes: 1, problem: 'no-tests' }).tone).toBe('failed');
  });

  it('reads a stored thread: the fix rounds at its end and how the last run went', () => {
    const user = { status: 'completed', params: {} };
    const fix = { status: 'completed', params: { repairRound: true } };
    expect(summaryOfTurns([user])).toBeNull();
    expect(
      summaryOfTurns([
        { ...user, testRun: FAILED },
        { ...fix, testRun: FAILED },
        { ...fix, testRun: PASSED },
      ])?.text,
    ).toBe('Passed its own tests after 2 fixes');
    // A format reminder is a round of the loop but no fix, as the live view counts it; turns stored
    // before the kind was kept (`true`) count as fixes.
    const reminder = { status: 'completed', params: { repairRound: 'format' } };
    const keptFix = { status: 'completed', params: { repairRound: 'fix' } };
    expect(summaryOfTurns([user, { ...reminder, testRun: PASSED }])?.text).toBe(
      summaryOfOutcome({ status: 'passed', fixes: 0 }).text,
    );
    expect(
      summaryOfTurns([
        { ...user, testRun: FAILED },
        reminder,
        { ...keptFix, testRun: FAILED },
        { ...fix, testRun: PASSED },
      ])?.text,
    ).toBe('Passed its own tests after 2 fixes');
    expect(
      summaryOfTurns([
        { ...user, testRun: PASSED },
        { ...user, testRun: FAILED },
      ]),
    ).toMatchObject({
      text: 'Still failing its own tests after 0 fixes: here is the last error',
      lastRun: FAILED,
    });
  });

  it('says nothing while the run goes, the outcome once it ends, and stopped when Stop came first', () => {
    const repair = { rounds: [], outcome: null };
    expect(liveRepairSummary({ status: 'streaming', repair }, true)).toBeNull();
    expect(liveRepairSummary({ status: 'done' }, false)).toBeUndefined();
    expect(
      liveRepairSummary(
        { status: 'done', repair: { ...repair, outcome: { status: 'passed', fixes: 1 } } },
        false,
      )?.text,
    ).toBe('Passed its own tests after 1 fix');
    const two = withRound(
      withRound(NO_REPAIR_PROGRESS, { round: 0, id: 'a', parentId: null }, ''),
      { round: 1, id: 'b', parentId: 'a' },
      'x',
    );
    expect(liveRepairSummary({ status: 'stopped', repair: two }, false)?.text).toBe(
      'Stopped before a fix was tested',
    );
    const tested = withRun(withRun(two, { round: 0, ...FAILED }), { round: 1, ...FAILED });
    expect(liveRepairSummary({ status: 'stopped', repair: tested }, false)?.text).toBe('Stopped after 1 fix');
  });
});

describe('the request field', () => {
  it('asks for Test and fix only when it is on and the language can run', () => {
    expect(repairFieldOf({ enabled: true, rounds: 3 }, 'python')).toEqual({ repair: { rounds: 3 } });
    expect(repairFieldOf({ enabled: true, rounds: 3 }, 'typescript')).toEqual({ repair: { rounds: 3 } });
    expect(repairFieldOf({ enabled: true, rounds: 3 }, 'go')).toEqual({});
    expect(repairFieldOf({ enabled: true, rounds: 3 }, 'any')).toEqual({});
    expect(repairFieldOf({ enabled: false, rounds: 3 }, 'python')).toEqual({});
  });

  it('is not asked for with a code-completion model, and the option says why', () => {
    const chat = { name: 'Qwen Chat', followUps: true };
    const base = { name: 'StarCoder Base', followUps: false };
    expect(repairFieldOf({ enabled: true, rounds: 2 }, 'python', chat)).toEqual({ repair: { rounds: 2 } });
    expect(repairFieldOf({ enabled: true, rounds: 2 }, 'python', base)).toEqual({});
    expect(repairUnavailableReason('python', chat)).toBeNull();
    expect(repairUnavailableReason('python', null)).toBeNull();
    expect(repairUnavailableReason('python', base)).toBe(
      'StarCoder Base is a code-completion model: Test and fix sends a failing run back to it as a follow-up, which it cannot take. Pick a chat model.',
    );
    // The language's reason comes first: no model fixes that.
    expect(repairUnavailableReason('go', base)).toBe(
      'Test and fix works for Python, JavaScript and TypeScript: choose one of them.',
    );
  });
});
