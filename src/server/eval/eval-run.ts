import type { ModelEntry } from '../models/catalogue.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { planGenerate } from '../services/generation-plan.js';
import type { Problem } from './dataset.js';
import { runRepairProblem, type RepairRecord } from './eval-repair.js';
import { blankResult, generateBody, streamAnswer } from './model-answer.js';
import { assembleProgram, requestFor } from './program.js';
import type { ProgramRunner } from './python-runner.js';

/**
 * One eval run: each problem goes through the same plan and provider as a
 * Generate request in the web app (prompt in the model's format, sampling,
 * code extraction), then its program runs against the problem's tests.
 * Problems run one at a time: the model is the bottleneck, and one program
 * at a time keeps the memory limit meaningful.
 */

export const OUTCOMES = ['passed', 'failed', 'timed-out', 'no-code', 'error'] as const;
/** passed / failed (wrong, crashed, or hit the memory limit) / timed-out / no-code (nothing to run) / error (the model failed). */
export type Outcome = (typeof OUTCOMES)[number];

/** What one problem came to. */
export interface ProblemResult {
  taskId: string;
  outcome: Outcome;
  /** Why it did not pass; null when it passed or had no code. */
  message: string | null;
  /** From sending the prompt to the last token. */
  modelMs: number;
  firstTokenMs: number | null;
  completionTokens: number;
  /** Running the program; null when nothing ran. */
  runMs: number | null;
  /** The model's whole answer. */
  output: string;
  /** The code taken from it (plan.finish()), null when there was none. */
  code: string | null;
  /**
   * With --repair: the first answer's score (pass@1 without repair), how
   * the loop ended and its turns. `outcome`, `output` and `code` above are
   * then the final code's (pass@1 with repair) and the last answer; the
   * times and tokens count every turn and run.
   */
  repair?: RepairRecord;
}

/** The settings of a run, as the report records them. */
export interface EvalSettings {
  /** Problems asked for with --limit; null for all. */
  limit: number | null;
  temperature: number;
  /** null: the model's default. */
  maxTokens: number | null;
  timeoutMs: number;
  memoryBytes: number;
  /** --repair: fix rounds after the first answer (0 to 5); undefined: a plain eval, one answer per problem. */
  repair?: number;
}

export interface EvalDeps {
  models: ModelRegistry;
  /** Runs one program: a ProgramRunner's `run` (Pyodide or python3), or a test's. */
  run: ProgramRunner['run'];
}

/** How the run ended. */
export interface EvalRunResult {
  results: ProblemResult[];
  /** Why it stopped before the last problem: interrupted, or a model that keeps failing; null when complete. */
  stoppedEarly: string | null;
}

/** A model that fails this many problems in a row is broken or unreachable: stop instead of failing the rest. */
export const MAX_ERRORS_IN_A_ROW = 5;

/**
 * Runs the problems in order. `signal` (Ctrl-C) stops the model and the
 * program at once; the problem under way is left out of the results.
 */
export async function runEval(
  deps: EvalDeps,
  model: ModelEntry,
  problems: Problem[],
  settings: EvalSettings,
  options: { signal: AbortSignal; onResult?: (result: ProblemResult, index: number) => void },
): Promise<EvalRunResult> {
  const results: ProblemResult[] = [];
  let errorsInARow = 0;
  for (const problem of problems) {
    if (options.signal.aborted) {
      break;
    }
    const result =
      settings.repair === undefined
        ? await runProblem(deps, model, problem, settings, options.signal)
        : await runRepairProblem(
            deps,
            model,
            problem,
            { ...settings, repair: settings.repair },
            options.signal,
          );
    // Ctrl-C during the problem: its result is an artefact of the stop, not of the model.
    if (isAborted(options.signal)) {
      break;
    }
    results.push(result);
    options.onResult?.(result, results.length - 1);
    errorsInARow = result.outcome === 'error' ? errorsInARow + 1 : 0;
    if (errorsInARow >= MAX_ERRORS_IN_A_ROW && results.length < problems.length) {
      return {
        results,
        stoppedEarly: `stopped after ${MAX_ERRORS_IN_A_ROW} model errors in a row (last: ${result.message ?? ''})`,
      };
    }
  }
  return { results, stoppedEarly: results.length < problems.length ? 'interrupted' : null };
}

/** Read through a call: TypeScript would otherwise assume the flag cannot change across an await. */
const isAborted = (signal: AbortSignal): boolean => signal.aborted;

async function runProblem(
  deps: EvalDeps,
  model: ModelEntry,
  problem: Problem,
  settings: EvalSettings,
  signal: AbortSignal,
): Promise<ProblemResult> {
  const started = performance.now();
  const result = blankResult(problem, null);
  let finish: (output: string) => { code: string | null };
  try {
    const plan = planGenerate(deps.models, generateBody(model, requestFor(problem), settings));
    finish = plan.finish;
    await streamAnswer(deps.models, plan, signal, result, started);
  } catch (error) {
    result.modelMs = Math.round(performance.now() - started);
    result.message = error instanceof Error ? error.message : String(error);
    return result;
  }
  result.modelMs = Math.round(performance.now() - started);
  const code = finish(result.output).code;
  result.code = code === null || code.trim() === '' ? null : code;
  const assembly = assembleProgram(problem, result.code);
  if (assembly.kind === 'no-code') {
    result.outcome = 'no-code';
    return result;
  }
  const runStarted = performance.now();
  const limits = { timeoutMs: settings.timeoutMs, memoryBytes: settings.memoryBytes };
  const ran = await deps.run(assembly.program, limits, signal);
  result.runMs = Math.round(performance.now() - runStarted);
  result.outcome = ran.outcome;
  result.message = ran.message ?? null;
  return result;
}
