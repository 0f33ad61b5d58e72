import { startPyodideRunner } from '../eval/pyodide-runner.js';
import type { ProgramRunner, RunLimits, RunResult } from '../eval/python-runner.js';
import { testProgram, truncateMiddle } from '../../shared/repair/repair-format.js';
import type { RepairRunInput } from '../../shared/repair/repair-loop.js';
import type { RepairRunResult } from '../../shared/repair/repair.schemas.js';
import { runNodeProgram } from './node-runner.js';

/**
 * Runs Test and fix programs (a model's code followed by its tests) on the
 * server, out of the server's process: Python with Pyodide in a `node`
 * child under Node's permission model (eval's runner: one warm child,
 * started on the first Python run), JavaScript and TypeScript in a `node`
 * child of their own (node-runner.ts). Every run has the same time and
 * memory limits.
 */
export interface TestRunner {
  /** Runs code + tests as one program; `signal` kills it at once. */
  run(input: RepairRunInput, signal: AbortSignal): Promise<RepairRunResult>;
  /** Stops the warm Python child, if one was started (server shutdown). */
  close(): void;
}

/** The limits of every Test and fix run: 10 s, and 256 MiB (Python's WebAssembly memory; V8's heap for JavaScript). */
export const TEST_RUN_LIMITS: RunLimits = { timeoutMs: 10_000, memoryBytes: 256 * 1_048_576 };

/** Output kept in a run's result (stdout, then stderr): the middle of a longer one is cut. */
export const TEST_OUTPUT_MAX_CHARS = 8000;

/** The run's result as the loop and the API carry it. */
function toRepairRun(result: RunResult, durationMs: number, cannotRun: boolean): RepairRunResult {
  const output = truncateMiddle(
    [result.stdout, result.stderr].filter((s) => s !== '').join('\n'),
    TEST_OUTPUT_MAX_CHARS,
  );
  const status = result.outcome === 'failed' && cannotRun ? 'error' : result.outcome;
  const message = result.message === undefined ? {} : { message: result.message };
  return { status, output, ...message, durationMs: Math.round(durationMs) };
}

/** The sandbox with its limits; `pyodide` starts the Python runner (tests may pass their own). */
export function startTestRunner(
  limits: RunLimits,
  pyodide: () => ProgramRunner = () => startPyodideRunner({ warmFor: limits.memoryBytes }),
): TestRunner {
  let python: ProgramRunner | undefined;
  return {
    async run(input, signal) {
      const program = testProgram(input.code, input.tests, input.language);
      const started = performance.now();
      if (input.language === 'python') {
        python ??= pyodide();
        const result = await python.run(program, limits, signal);
        // Pyodide that did not load is not the code's fault: the loop stops instead of asking for a fix.
        const cannotRun = result.message?.startsWith('Pyodide did not start') === true;
        return toRepairRun(result, performance.now() - started, cannotRun);
      }
      const result = await runNodeProgram(program, input.language, limits, signal);
      return toRepairRun(result, performance.now() - started, false);
    },
    close() {
      python?.close();
      python = undefined;
    },
  };
}
