import { describe, expect, it } from 'vitest';
import { firstTurnRequest, formatTurnRequest, testProgram } from './repair-format.js';
import {
  finalCode,
  runRepairLoop,
  type RepairHistoryTurn,
  type RepairLoopOptions,
  type RepairLoopResult,
  type RepairRunInput,
  type RepairStep,
} from './repair-loop.js';
import type { RepairRunResult, RepairTurnKind } from './repair.schemas.js';

/** An answer in the format. */
const answer = (code: string, tests = 'assert add(2, 3) == 5'): string =>
  `Here it is.\n\n\`\`\`python\n${code}\n\`\`\`\n\n\`\`\`python\n# tests\n${tests}\n\`\`\`\n`;
const WRONG = 'def add(a, b):\n    return a - b';
const RIGHT = 'def add(a, b):\n    return a + b';

/** A model that answers from a script, one answer per turn, and records what it was sent. */
function scriptedModel(answers: string[]) {
  const turns: { turn: string; history: RepairHistoryTurn[]; kind: RepairTurnKind }[] = [];
  return {
    turns,
    ask: (
      turn: string,
      history: RepairHistoryTurn[],
      _signal: AbortSignal,
      kind: RepairTurnKind,
    ): Promise<string> => {
      turns.push({ turn, history, kind });
      const next = answers[turns.length - 1];
      return next === undefined
        ? Promise.reject(new Error('the script has no more answers'))
        : Promise.resolve(next);
    },
  };
}

/** A runner that "runs" the program by looking for the right code: passes when it is there. */
function scriptedRunner() {
  const programs: string[] = [];
  return {
    programs,
    run: (input: RepairRunInput): Promise<RepairRunResult> => {
      programs.push(testProgram(input.code, input.tests, input.language));
      return Promise.resolve(
        input.code.includes('a + b')
          ? { status: 'passed', output: '', durationMs: 5 }
          : {
              status: 'failed',
              output: 'Traceback (most recent call last):\n  File "main.py", line 4\nAssertionError',
              message: 'AssertionError',
              durationMs: 5,
            },
      );
    },
  };
}

/** The loop in Python on a scripted model and the scripted runner (request 'x' unless given). */
const loopOn = (
  model: { ask: RepairLoopOptions['ask'] },
  options: Partial<RepairLoopOptions> & { rounds: number },
): Promise<RepairLoopResult> =>
  runRepairLoop({ ask: model.ask, run: scriptedRunner().run, language: 'python', request: 'x', ...options });

describe('runRepairLoop', () => {
  it('stops at a first answer that passes: 0 fixes, one round, one run', async () => {
    const model = scriptedModel([answer(RIGHT)]);
    const runner = scriptedRunner();
    const steps: RepairStep[] = [];
    const result = await runRepairLoop({
      ...model,
      run: runner.run,
      language: 'python',
      request: 'Write add(a, b).',
      rounds: 2,
      onStep: (step) => steps.push(step),
    });
    expect(result.outcome).toEqual({ status: 'passed', fixes: 0 });
    expect(model.turns).toEqual([
      { turn: firstTurnRequest('Write add(a, b).', 'python'), history: [], kind: 'first' },
    ]);
    expect(runner.programs).toEqual([`${RIGHT}\n\n# tests\nassert add(2, 3) == 5\n`]);
    expect(steps.map((s) => s.type)).toEqual(['round', 'run', 'outcome']);
    expect(result.rounds).toHaveLength(1);
    expect(result.rounds[0]).toMatchObject({ index: 0, kind: 'first', code: RIGHT, problem: null });
    expect(result.rounds[0]?.run?.status).toBe('passed');
  });

  it('passes after 2 fixes, sending each failure back with the thread so far', async () => {
    const answers = [answer(WRONG), answer(WRONG), answer(RIGHT)];
    const model = scriptedModel(answers);
    const result = await loopOn(model, { rounds: 3, request: 'Write add(a, b).' });
    expect(result.outcome).toEqual({ status: 'passed', fixes: 2 });
    expect(result.rounds.map((r) => r.kind)).toEqual(['first', 'fix', 'fix']);
    expect(result.rounds.map((r) => r.run?.status)).toEqual(['failed', 'failed', 'passed']);
    expect(model.turns.map((t) => t.kind)).toEqual(['first', 'fix', 'fix']);
    const second = model.turns[1];
    expect(second?.turn).toContain('Running the code with your tests failed.');
    expect(second?.turn).toContain('AssertionError');
    expect(second?.history).toEqual([
      { request: firstTurnRequest('Write add(a, b).', 'python'), answer: answers[0] },
    ]);
    expect(model.turns[2]?.history).toHaveLength(2);
    expect(finalCode(result.rounds)).toBe(RIGHT);
  });

  it('stops after N fix rounds with the last error when the code never passes', async () => {
    const model = scriptedModel([answer(WRONG), answer(WRONG), answer(WRONG), answer(WRONG)]);
    const result = await loopOn(model, { rounds: 2, request: 'Write add(a, b).' });
    expect(model.turns).toHaveLength(3);
    expect(result.outcome).toMatchObject({
      status: 'failed',
      fixes: 2,
      lastRun: { message: 'AssertionError' },
    });
    expect(finalCode(result.rounds)).toBe(WRONG);
  });

  it('with 0 rounds runs the first answer only', async () => {
    const model = scriptedModel([answer(WRONG), answer(RIGHT)]);
    const result = await loopOn(model, { rounds: 0 });
    expect(model.turns).toHaveLength(1);
    expect(result.outcome.status).toBe('failed');
  });

  it('stops at once when aborted mid-run: no further ask or run, outcome stopped', async () => {
    const controller = new AbortController();
    const model = scriptedModel([answer(WRONG), answer(RIGHT)]);
    let runs = 0;
    const steps: RepairStep[] = [];
    const result = await runRepairLoop({
      ...model,
      // A runner that never ends on its own and ignores the signal: the loop must not wait for it.
      run: () => {
        runs += 1;
        controller.abort();
        return new Promise<RepairRunResult>(() => undefined);
      },
      language: 'python',
      request: 'x',
      rounds: 3,
      signal: controller.signal,
      onStep: (step) => steps.push(step),
    });
    expect(result.outcome).toEqual({ status: 'stopped', fixes: 0 });
    expect(model.turns).toHaveLength(1);
    expect(runs).toBe(1);
    expect(steps.map((s) => s.type)).toEqual(['round', 'outcome']);
  });

  it('stops at once when aborted while the model writes, and asks nothing when aborted before', async () => {
    const controller = new AbortController();
    let asked = 0;
    const pending = runRepairLoop({
      ask: () => {
        asked += 1;
        return new Promise<string>(() => undefined);
      },
      run: scriptedRunner().run,
      language: 'javascript',
      request: 'x',
      rounds: 1,
      signal: controller.signal,
    });
    await expect.poll(() => asked).toBe(1);
    controller.abort();
    await expect(pending).resolves.toEqual({ outcome: { status: 'stopped', fixes: 0 }, rounds: [] });

    const model = scriptedModel([answer(RIGHT)]);
    const aborted = await loopOn(model, { rounds: 1, signal: AbortSignal.abort() });
    expect(aborted.outcome.status).toBe('stopped');
    expect(model.turns).toHaveLength(0);
  });

  it('sends one format reminder for an unreadable answer, then goes on when the next one is readable', async () => {
    const model = scriptedModel(['```python\n' + RIGHT + '\n```', answer(RIGHT)]);
    const result = await loopOn(model, { rounds: 1 });
    expect(model.turns[1]?.turn).toBe(formatTurnRequest('no-tests', 'python'));
    // The model is asked with the turn's kind, which the server stores with the turn.
    expect(model.turns.map((t) => t.kind)).toEqual(['first', 'format']);
    expect(result.rounds.map((r) => [r.kind, r.problem])).toEqual([
      ['first', 'no-tests'],
      ['format', null],
    ]);
    expect(result.rounds[0]?.code).toBe(RIGHT);
    expect(result.outcome).toEqual({ status: 'passed', fixes: 0 });
  });

  it('ends as no-code when the answer after the reminder is unreadable too', async () => {
    const model = scriptedModel(['Sorry, no.', 'Still no.', answer(RIGHT)]);
    const result = await loopOn(model, { rounds: 2 });
    expect(model.turns).toHaveLength(2);
    expect(result.outcome).toEqual({ status: 'no-code', fixes: 0, problem: 'no-code' });
    expect(finalCode(result.rounds)).toBeNull();
  });

  it('stops without asking for a fix when the runner could not run the tests', async () => {
    const model = scriptedModel([answer(WRONG), answer(RIGHT)]);
    const result = await runRepairLoop({
      ...model,
      run: () =>
        Promise.resolve({
          status: 'error',
          output: '',
          message: 'The sandbox did not start.',
          durationMs: 0,
        }),
      language: 'python',
      request: 'x',
      rounds: 2,
    });
    expect(model.turns).toHaveLength(1);
    expect(result.outcome).toEqual({ status: 'error', fixes: 0, message: 'The sandbox did not start.' });
  });

  it('throws what the model throws, and refuses rounds out of range', async () => {
    await expect(loopOn(scriptedModel([]), { rounds: 1 })).rejects.toThrow('the script has no more answers');
    await expect(loopOn(scriptedModel([]), { rounds: 6 })).rejects.toThrow(RangeError);
  });
});
