import { parseArgs } from 'node:util';
import { REPAIR_MAX_ROUNDS } from '../../shared/repair/repair-loop.js';

/** The command line of `npm run eval`: its usage text and its parsing. */

export const USAGE = `Usage: npm run eval -- --model <id> [options]

Asks a model of the catalogue to solve HumanEval's 164 Python problems, runs
each answer against the problem's tests and prints pass@1; writes a JSON and
a Markdown report to DATA_DIR/eval/.

This RUNS CODE THE MODEL WROTE on this machine: by default with Pyodide (Python
in WebAssembly) in a node process that may read nothing but the runtime, write
nowhere, start no process and reach no network; with --runner python3 in a
python3 -I process, in a temporary folder, with an empty environment. Both with
time and memory limits.

Options:
  --model <id>          A model of the catalogue (MODELS_FILE or the shipped one).
  --limit <n>           Only the first n problems.
  --data <url|path>     Another data set in HumanEval's format (.jsonl or .jsonl.gz).
                        Default: HumanEval, downloaded once to DATA_DIR/eval/data/.
  --timeout <seconds>   Time limit of each program. Default 10.
  --memory <MiB>        Memory limit of each program. Default 1024.
  --temperature <t>     Sampling temperature. Default 0 (greedy, as pass@1 is reported).
  --max-tokens <n>      Longest answer. Default: the model's.
  --out <dir>           Where the reports go. Default DATA_DIR/eval.
  --runner <name>       pyodide (default: nothing to install, isolated) or python3
                        (faster; limits, not a sandbox).
  --repair <n>          Test and fix, 0 to ${REPAIR_MAX_ROUNDS}: the model writes the code and a few tests;
                        when its tests fail, the failure goes back to it, up to n
                        times. It never sees the problem's own tests. The report
                        gives pass@1 without repair (the first answer of this run)
                        and with repair (the final code) side by side. Chat models only.

Environment: PYTHON=/path/to/python3 chooses the python3 runner and its interpreter
(default python3 on PATH).
`;

/** Where programs run: Pyodide in a locked-down node process, or python3 -I. */
export const RUNNERS = ['pyodide', 'python3'] as const;
export type Runner = (typeof RUNNERS)[number];

/** A bad command line: usage is printed and the exit code is 2. */
export class UsageError extends Error {}

function numberOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
  check: { min: number; max: number; integer: boolean },
): number | undefined {
  const raw = values[name];
  if (typeof raw !== 'string') {
    return undefined;
  }
  const value = Number(raw);
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(value) &&
    value >= check.min &&
    value <= check.max &&
    (!check.integer || Number.isInteger(value));
  if (!ok) {
    const kind = check.integer ? 'a whole number' : 'a number';
    throw new UsageError(`--${name} must be ${kind} from ${check.min} to ${check.max}, not "${raw}"`);
  }
  return value;
}

export function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      model: { type: 'string' },
      limit: { type: 'string' },
      data: { type: 'string' },
      timeout: { type: 'string' },
      memory: { type: 'string' },
      temperature: { type: 'string' },
      'max-tokens': { type: 'string' },
      out: { type: 'string' },
      runner: { type: 'string' },
      repair: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    return undefined;
  }
  if (values.model === undefined || values.model === '') {
    throw new UsageError('--model <id> is required');
  }
  const runner = values.runner ?? null;
  if (runner !== null && !RUNNERS.includes(runner as Runner)) {
    throw new UsageError(`--runner must be one of ${RUNNERS.join(', ')}, not "${runner}"`);
  }
  return {
    model: values.model,
    runner: runner as Runner | null,
    data: values.data,
    out: values.out,
    limit: numberOption(values, 'limit', { min: 1, max: 1_000_000, integer: true }) ?? null,
    timeoutSeconds: numberOption(values, 'timeout', { min: 0.1, max: 3600, integer: false }) ?? 10,
    memoryMiB: numberOption(values, 'memory', { min: 64, max: 1_048_576, integer: true }) ?? 1024,
    temperature: numberOption(values, 'temperature', { min: 0, max: 2, integer: false }) ?? 0,
    maxTokens: numberOption(values, 'max-tokens', { min: 1, max: 1_048_576, integer: true }) ?? null,
    repair: numberOption(values, 'repair', { min: 0, max: REPAIR_MAX_ROUNDS, integer: true }) ?? null,
  };
}
