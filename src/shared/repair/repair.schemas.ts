import { z } from 'zod';
import { MESSAGES } from '../messages.js';
import { RUN_LANGUAGES } from '../run.js';
import { REPAIR_MAX_ROUNDS } from './repair-loop.js';

/*
 * Test and fix (issue 17): the shapes of the repair loop (repair-loop.ts)
 * that the API's SSE events, the stored thread and eval's report carry.
 * The loop itself imports these types only, so the web app's bundle does
 * not need zod to run it.
 */

/** The languages the loop can test: those Run can run. */
export const repairLanguageSchema = z.enum(RUN_LANGUAGES);
export type RepairLanguage = z.infer<typeof repairLanguageSchema>;

/** Fix rounds a user may ask for (Generate's request and the remembered preference): 1 to REPAIR_MAX_ROUNDS. */
export const repairRoundsSchema = z
  .number(MESSAGES.repairRounds)
  .int(MESSAGES.repairRounds)
  .min(1, MESSAGES.repairRounds)
  .max(REPAIR_MAX_ROUNDS, MESSAGES.repairRounds);

/**
 * How running the model's code with its own tests ended: passed (the
 * program ran to its end), failed (an exception, a failing assert, a
 * crash), timed-out (the runner's time limit), or error (the runner could
 * not run it at all: not the code's fault, so the loop stops).
 */
export const repairRunStatusSchema = z.enum(['passed', 'failed', 'timed-out', 'error']);
export type RepairRunStatus = z.infer<typeof repairRunStatusSchema>;

/** One run of code + tests, as the runner reports it. */
export const repairRunResultSchema = z.object({
  status: repairRunStatusSchema,
  /** What the program wrote (stdout and stderr, in order where the runner knows it), traceback included. */
  output: z.string(),
  /** A one-line reason when it did not pass, e.g. "AssertionError: add(2, 3) should be 5". */
  message: z.string().optional(),
  durationMs: z.number().nonnegative(),
});
export type RepairRunResult = z.infer<typeof repairRunResultSchema>;

/** Why an answer could not be read as code + tests (see parseRepairAnswer). */
export const repairParseProblemSchema = z.enum(['no-code', 'no-tests', 'no-marker']);
export type RepairParseProblem = z.infer<typeof repairParseProblemSchema>;

/**
 * What a turn was: the first request, a fix request after a failing run,
 * or a reminder of the answer format after an answer that could not be read.
 */
export const repairTurnKindSchema = z.enum(['first', 'fix', 'format']);
export type RepairTurnKind = z.infer<typeof repairTurnKindSchema>;

/**
 * The kind of a stored later turn of a Test and fix run, from its
 * `params.repairRound`: 'fix' (a failure sent back) or 'format' (a reminder
 * of the answer format). Turns stored before the kind was kept say `true`
 * and count as fixes, as they were shown then. Null for every other turn.
 */
export function repairRoundKind(params: Readonly<Record<string, unknown>>): 'fix' | 'format' | null {
  const value = params['repairRound'];
  if (value === 'fix' || value === 'format') {
    return value;
  }
  return value === true ? 'fix' : null;
}

/** One turn of the loop: what was sent, what the model answered, what was read from it and how its run went. */
export const repairRoundSchema = z.object({
  /** 0 for the first turn, then 1, 2 ... in the order sent. */
  index: z.number().int().nonnegative(),
  kind: repairTurnKindSchema,
  /** The text sent as the user's turn (the request with the format instruction, a failure report, a format reminder). */
  request: z.string(),
  /** The model's whole answer. */
  answer: z.string(),
  /** The code block; null when there was none. */
  code: z.string().nullable(),
  /** The tests block without its marker line; null when there was none. */
  tests: z.string().nullable(),
  /** Why the answer could not be run; null when it could. */
  problem: repairParseProblemSchema.nullable(),
  /** The run of code + tests; null when nothing ran (unreadable answer, stop). */
  run: repairRunResultSchema.nullable(),
});
export type RepairRound = z.infer<typeof repairRoundSchema>;

/**
 * How the loop ended:
 * - passed: the model's tests passed after `fixes` fix rounds (0: the first answer);
 * - failed: still failing after `fixes` fix rounds (all that were allowed); `lastRun` is the last failure;
 * - stopped: the caller's signal aborted the loop;
 * - no-code: an answer could not be read as code + tests, even after one format reminder;
 * - error: the runner could not run the tests (`message`); the model is not asked to fix that.
 */
export const repairOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('passed'), fixes: z.number().int().nonnegative() }),
  z.object({
    status: z.literal('failed'),
    fixes: z.number().int().nonnegative(),
    lastRun: repairRunResultSchema,
  }),
  z.object({ status: z.literal('stopped'), fixes: z.number().int().nonnegative() }),
  z.object({
    status: z.literal('no-code'),
    fixes: z.number().int().nonnegative(),
    problem: repairParseProblemSchema,
  }),
  z.object({ status: z.literal('error'), fixes: z.number().int().nonnegative(), message: z.string() }),
]);
export type RepairOutcome = z.infer<typeof repairOutcomeSchema>;
