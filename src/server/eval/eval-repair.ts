import type { ModelEntry } from '../models/catalogue.js';
import { planGenerate, type PriorTurn } from '../services/generation-plan.js';
import { testProgram } from '../../shared/repair/repair-format.js';
import { finalCode, runRepairLoop, type RepairLoopResult } from '../../shared/repair/repair-loop.js';
import type { RepairOutcome, RepairRound, RepairRunResult } from '../../shared/repair/repair.schemas.js';
import type { Problem } from './dataset.js';
import type { EvalDeps, EvalSettings, Outcome, ProblemResult } from './eval-run.js';
import { blankResult, generateBody, streamAnswer } from './model-answer.js';
import { assembleProgram, assembleSolution, repairRequestFor } from './program.js';
import type { RunResult } from './python-runner.js';

/**
 * `npm run eval -- --repair N`: one problem through the repair loop of the
 * web app (src/shared/repair/), with the eval runner (Pyodide or python3)
 * plugged in as its sandbox. The model sees only what a user's run would
 * show: its own tests' results. The problem's hidden tests are never in a
 * turn; they score two codes afterwards, with the plain eval's assembly:
 * the first answer's (pass@1 without repair, from the same run and the
 * same prompt asking for tests) and the final one's (pass@1 with repair).
 */

/** What --repair adds to a problem's result. */
export interface RepairRecord {
  /** The first answer's code against the hidden tests: pass@1 without repair. */
  first: { outcome: Outcome; message: string | null; code: string | null };
  /** How the loop ended on the model's own tests (passed, failed after N fixes, no-code ...). */
  loop: RepairOutcome;
  /** Fix rounds used (turns sent with a failing run). */
  fixes: number;
  /** Every turn: request, answer, code, tests and the run of code + tests. */
  rounds: RepairRound[];
}

/** An earlier turn of the loop as a thread's turn, so the model sees it in its own format. */
const priorTurn = (turn: { request: string; answer: string }): PriorTurn => ({
  kind: 'generate',
  input: turn.request,
  output: turn.answer,
  language: 'python',
});

/**
 * Pyodide's tracebacks name the program's lines without showing them (the
 * program is not a file Python's linecache can read there): each such line
 * gets the program's line under it, as python3 shows it, so the model sees
 * which assert failed.
 */
export function withSourceLines(output: string, program: string): string {
  const lines = program.split('\n');
  return output.replace(
    /^( *File "[^"\n]*program\.py", line (\d+)[^\n]*)\n(?! {4})/gm,
    (_, head: string, n: string) => `${head}\n    ${(lines[Number(n) - 1] ?? '').trim()}\n`,
  );
}

/** A run as the loop reads it: the output is stdout then stderr (where the traceback is). */
function asRepairRun(ran: RunResult, durationMs: number, program: string): RepairRunResult {
  const output = withSourceLines([ran.stdout, ran.stderr].filter((s) => s.trim() !== '').join('\n'), program);
  return {
    status: ran.outcome,
    output,
    ...(ran.message === undefined ? {} : { message: ran.message }),
    durationMs,
  };
}

/** Runs one problem through the loop, then scores its first and final code. */
export async function runRepairProblem(
  deps: EvalDeps,
  model: ModelEntry,
  problem: Problem,
  settings: EvalSettings & { repair: number },
  signal: AbortSignal,
): Promise<ProblemResult> {
  const started = performance.now();
  const result = blankResult(problem, 0);
  const limits = { timeoutMs: settings.timeoutMs, memoryBytes: settings.memoryBytes };
  const timedRun = async (program: string): Promise<{ ran: RunResult; ms: number }> => {
    const runStarted = performance.now();
    const ran = await deps.run(program, limits, signal);
    const ms = Math.round(performance.now() - runStarted);
    result.runMs = (result.runMs ?? 0) + ms;
    return { ran, ms };
  };
  let loop: RepairLoopResult;
  try {
    loop = await runRepairLoop({
      language: 'python',
      request: repairRequestFor(problem),
      rounds: settings.repair,
      signal,
      ask: async (turn, history, turnSignal) => {
        const plan = planGenerate(deps.models, generateBody(model, turn, settings), history.map(priorTurn));
        const answer = { output: '', completionTokens: 0, firstTokenMs: result.firstTokenMs };
        const askStarted = performance.now();
        try {
          await streamAnswer(deps.models, plan, turnSignal, answer, started);
        } finally {
          result.modelMs += Math.round(performance.now() - askStarted);
          result.completionTokens += answer.completionTokens;
          result.firstTokenMs = answer.firstTokenMs;
          result.output = answer.output;
        }
        return answer.output;
      },
      // The model's tests after the solution as the hidden tests will see it (the prompt's imports and helpers first).
      run: async ({ code, tests }) => {
        const program = testProgram(assembleSolution(problem, code) ?? code, tests, 'python');
        const { ran, ms } = await timedRun(program);
        return asRepairRun(ran, ms, program);
      },
    });
  } catch (error) {
    result.message = error instanceof Error ? error.message : String(error);
    return result;
  }
  if (loop.outcome.status === 'stopped') {
    // Ctrl-C: the caller leaves this problem out.
    result.message = 'stopped';
    return result;
  }
  const score = async (code: string | null): Promise<{ outcome: Outcome; message: string | null }> => {
    const assembly = assembleProgram(problem, code);
    if (assembly.kind === 'no-code') {
      return { outcome: 'no-code', message: null };
    }
    const { ran } = await timedRun(assembly.program);
    return { outcome: ran.outcome, message: ran.message ?? null };
  };
  const firstCode = loop.rounds[0]?.code ?? null;
  const lastCode = finalCode(loop.rounds);
  const first = await score(firstCode);
  const final = lastCode === firstCode ? first : await score(lastCode);
  result.outcome = final.outcome;
  result.message = final.message;
  result.code = lastCode;
  result.repair = {
    first: { ...first, code: firstCode },
    loop: loop.outcome,
    fixes: loop.outcome.fixes,
    rounds: loop.rounds,
  };
  return result;
}
