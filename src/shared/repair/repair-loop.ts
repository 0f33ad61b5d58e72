import { untilAborted } from '../until-aborted.js';
import { firstTurnRequest, fixTurnRequest, formatTurnRequest, parseRepairAnswer } from './repair-format.js';
import type {
  RepairLanguage,
  RepairOutcome,
  RepairRound,
  RepairRunResult,
  RepairTurnKind,
} from './repair.schemas.js';

/**
 * Test and fix (issue 17): the one loop that asks a model for code and
 * tests, runs them, sends the failure back and asks for a fix, until the
 * tests pass or the rounds run out. The web app (through the API) and
 * `npm run eval -- --repair N` both use it; they differ only in the `ask`
 * (which model, how its answer is streamed and stored) and the `run` (the
 * sandbox) they plug in. Zod-free: types only from repair.schemas.ts.
 *
 * Turns: the first request (the user's request and the format
 * instruction), then after each failing run one fix request (the failure
 * and the instruction), at most `rounds` of them. An answer that cannot be
 * read as code + tests gets ONE format reminder per loop (a turn of kind
 * "format", not counted as a fix round, so at most rounds + 2 answers are
 * asked for); a second unreadable answer ends the loop as no-code.
 */

/** Most fix rounds a request may ask for (after the first answer). */
export const REPAIR_MAX_ROUNDS = 5;
/** Fix rounds when the request does not say. */
export const REPAIR_DEFAULT_ROUNDS = 2;

/** An earlier turn of the loop, oldest first: what was sent and what the model answered. */
export interface RepairHistoryTurn {
  request: string;
  answer: string;
}

/** Code and tests to run together (testProgram() puts them in one program). */
export interface RepairRunInput {
  code: string;
  tests: string;
  language: RepairLanguage;
}

/** What the loop reports as it goes. */
export type RepairStep =
  /** A model's answer was read: `round.run` is still null. */
  | { type: 'round'; round: RepairRound }
  /** The answer's code and tests ran. */
  | { type: 'run'; index: number; result: RepairRunResult }
  /** The loop ended (sent once, last). */
  | { type: 'outcome'; outcome: RepairOutcome };

export interface RepairLoopOptions {
  /**
   * Sends `turn` as the user's next turn after the `history` turns (oldest
   * first) and returns the model's whole answer. It should stop when
   * `signal` aborts; the loop stops waiting for it at once anyway.
   */
  ask: (
    turn: string,
    history: RepairHistoryTurn[],
    signal: AbortSignal,
    kind: RepairTurnKind,
  ) => Promise<string>;
  /** Runs code + tests in a sandbox. Should stop when `signal` aborts; the loop stops waiting at once. */
  run: (input: RepairRunInput, signal: AbortSignal) => Promise<RepairRunResult>;
  language: RepairLanguage;
  /** The user's request, as they wrote it. */
  request: string;
  /** Fix rounds after the first answer, 0 to REPAIR_MAX_ROUNDS. */
  rounds: number;
  /** Stop: no further ask or run; the loop ends as `stopped`. */
  signal?: AbortSignal;
  onStep?: (step: RepairStep) => void;
}

/** The loop's end and every turn of it, in order. */
export interface RepairLoopResult {
  outcome: RepairOutcome;
  rounds: RepairRound[];
}

/** Thrown inside the loop when the signal aborts; never leaves runRepairLoop. */
class Stopped extends Error {}

/** Starts the call unless the signal has aborted; settles with it, or rejects with Stopped as soon as the signal aborts. */
function unlessStopped<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    return Promise.reject(new Stopped());
  }
  // The call itself may abort the signal as it starts (a Stop pressed then): untilAborted rejects at once.
  return untilAborted(call(), signal, () => new Stopped());
}

/**
 * Runs the loop. Errors of `ask` or `run` (a model that fails) are thrown
 * as they are, after the steps already reported; an abort is not an error:
 * it ends the loop as `stopped`.
 */
export async function runRepairLoop(options: RepairLoopOptions): Promise<RepairLoopResult> {
  if (!Number.isInteger(options.rounds) || options.rounds < 0 || options.rounds > REPAIR_MAX_ROUNDS) {
    throw new RangeError(`rounds must be a whole number from 0 to ${REPAIR_MAX_ROUNDS}`);
  }
  const signal = options.signal ?? new AbortController().signal;
  const { language } = options;
  const rounds: RepairRound[] = [];
  const history: RepairHistoryTurn[] = [];
  let fixes = 0;
  const finish = (outcome: RepairOutcome): RepairLoopResult => {
    options.onStep?.({ type: 'outcome', outcome });
    return { outcome, rounds };
  };
  let kind: RepairTurnKind = 'first';
  let turn = firstTurnRequest(options.request, language);
  let reminded = false;
  try {
    for (;;) {
      const answer = await unlessStopped(() => options.ask(turn, [...history], signal, kind), signal);
      history.push({ request: turn, answer });
      const parsed = parseRepairAnswer(answer, language);
      const round: RepairRound = {
        index: rounds.length,
        kind,
        request: turn,
        answer,
        code: parsed.code,
        tests: parsed.ok ? parsed.tests : null,
        problem: parsed.ok ? null : parsed.problem,
        run: null,
      };
      rounds.push(round);
      options.onStep?.({ type: 'round', round: { ...round } });
      if (!parsed.ok) {
        if (reminded) {
          return finish({ status: 'no-code', fixes, problem: parsed.problem });
        }
        reminded = true;
        kind = 'format';
        turn = formatTurnRequest(parsed.problem, language);
        continue;
      }
      const result = await unlessStopped(
        () => options.run({ code: parsed.code, tests: parsed.tests, language }, signal),
        signal,
      );
      round.run = result;
      options.onStep?.({ type: 'run', index: round.index, result });
      if (result.status === 'passed') {
        return finish({ status: 'passed', fixes });
      }
      if (result.status === 'error') {
        return finish({ status: 'error', fixes, message: result.message ?? 'The tests could not be run.' });
      }
      if (fixes >= options.rounds) {
        return finish({ status: 'failed', fixes, lastRun: result });
      }
      fixes += 1;
      kind = 'fix';
      turn = fixTurnRequest(result, language);
    }
  } catch (error) {
    if (error instanceof Stopped) {
      return finish({ status: 'stopped', fixes });
    }
    throw error;
  }
}

/** The code to keep from a loop: the last code that was read (the passing one when it passed); null when none was. */
export function finalCode(rounds: readonly RepairRound[]): string | null {
  for (let i = rounds.length - 1; i >= 0; i -= 1) {
    const code = rounds[i]?.code ?? null;
    if (code !== null) {
      return code;
    }
  }
  return null;
}
