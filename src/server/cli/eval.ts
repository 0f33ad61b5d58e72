import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { ConfigError, loadConfig } from '../config.js';
import { CatalogueError, loadCatalogue, type ModelEntry } from '../models/catalogue.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { createModelRegistry } from '../models/index.js';
import { DatasetError, HUMAN_EVAL, loadDataset, type Dataset } from '../eval/dataset.js';
import { runEval, type EvalSettings } from '../eval/eval-run.js';
import { startPyodideRunner } from '../eval/pyodide-runner.js';
import { findPython, python3Runner, PythonMissingError, type ProgramRunner } from '../eval/python-runner.js';
import { buildReport, percent, summaryText, writeReports } from '../eval/report.js';
import { verifyWithProgress } from './models-verify.js';
import { ProgressBar } from './progress-bar.js';

const USAGE = `Usage: npm run eval -- --model <id> [options]

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

Environment: PYTHON=/path/to/python3 chooses the python3 runner and its interpreter
(default python3 on PATH).
`;

/** Where programs run: Pyodide in a locked-down node process, or python3 -I. */
const RUNNERS = ['pyodide', 'python3'] as const;
type Runner = (typeof RUNNERS)[number];

/** A bad command line: usage is printed and the exit code is 2. */
class UsageError extends Error {}

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

function parse(argv: string[]) {
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
  };
}

type Args = NonNullable<ReturnType<typeof parse>>;

/**
 * `npm run eval`. Exit codes: 0 the run finished (whatever the score), 1 it
 * could not run or the model kept failing, 2 usage, 130 interrupted (the
 * partial report is written in both of the last cases).
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (args === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (env === process.env && fs.existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const config = loadConfig(env);
  const catalogue = loadCatalogue(config.models.file);
  const model = catalogue.models.find((m) => m.id === args.model);
  if (!model) {
    process.stderr.write(
      `There is no model "${args.model}" in ${catalogue.file}. Models: ${catalogue.models.map((m) => m.id).join(', ')}\n`,
    );
    return 1;
  }
  // PYTHON names an interpreter: the operator asked for python3.
  const choice = args.runner ?? (env.PYTHON !== undefined && env.PYTHON !== '' ? 'python3' : 'pyodide');
  const python = choice === 'python3' ? await findPython(env) : null;
  // The problems before the engines: a bad data file is reported without loading llama.cpp.
  const cacheDir = path.join(config.dataDir, 'eval', 'data');
  if (args.data === undefined && !fs.existsSync(path.join(cacheDir, HUMAN_EVAL.fileName))) {
    process.stderr.write(
      `Downloading HumanEval (${HUMAN_EVAL.size.toLocaleString('en-US')} bytes), once, from ${new URL(HUMAN_EVAL.url).host}\n`,
    );
  }
  const dataset = await loadDataset(args.data, cacheDir);
  const registry = await createModelRegistry(config, Fastify({ logger: false }).log, { catalogue, env });
  try {
    if (model.provider === 'local') {
      // Checked now, with progress, rather than during the first problem:
      // a wrong file is deleted by the check and must not be fetched mid-run.
      const { LocalProvider } = await import('../models/local/local.provider.js');
      const provider = registry.providerFor(model);
      if (
        provider instanceof LocalProvider &&
        (await verifyWithProgress(provider, model, process.stderr)) === null
      ) {
        process.stderr.write(
          `${model.name} is not downloaded yet. Run: npm run models -- pull ${model.id}\n`,
        );
        return 1;
      }
    }
    const status = registry.providerFor(model).status(model);
    if (status.status === 'unavailable') {
      process.stderr.write(`${model.name} is unavailable: ${status.reason ?? 'no reason given'}\n`);
      return 1;
    }
    if (status.status === 'not-downloaded') {
      // A multi-gigabyte download deserves the progress bar and resume of `models pull`.
      process.stderr.write(`${model.name} is not downloaded yet. Run: npm run models -- pull ${model.id}\n`);
      return 1;
    }
    const limit = registry.maxTokensOf(model);
    if (args.maxTokens !== null && args.maxTokens > limit) {
      process.stderr.write(`--max-tokens must be at most ${limit} for ${model.name}.\n`);
      return 2;
    }
    const outDir = args.out === undefined ? path.join(config.dataDir, 'eval') : path.resolve(args.out);
    // Started now, so Pyodide loads while the model writes its first answer.
    const runner =
      python === null ? startPyodideRunner({ warmFor: args.memoryMiB * 1_048_576 }) : python3Runner(python);
    try {
      return await evaluate(registry, model, dataset, runner, args, outDir);
    } finally {
      runner.close();
    }
  } finally {
    await registry.close();
  }
}

/** Runs the problems with a progress bar and Ctrl-C handling, then writes and prints the reports. */
async function evaluate(
  registry: ModelRegistry,
  model: ModelEntry,
  dataset: Dataset,
  runner: ProgramRunner,
  args: Args,
  outDir: string,
): Promise<number> {
  const problems = dataset.problems.slice(0, args.limit ?? undefined);
  const settings: EvalSettings = {
    limit: args.limit,
    temperature: args.temperature,
    maxTokens: args.maxTokens,
    timeoutMs: Math.round(args.timeoutSeconds * 1000),
    memoryBytes: args.memoryMiB * 1_048_576,
  };
  const controller = new AbortController();
  // Kept for the whole run, not `once`: a library's exit hook (signal-exit) re-raises SIGINT when
  // it sees no other listener, which would end the process before the partial report is written.
  const stop = (): void => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    process.stderr.write(
      '\nStopping: writing the report of the problems done so far (Ctrl-C again to quit now).\n',
    );
    controller.abort();
  };
  process.on('SIGINT', stop);
  try {
    process.stderr.write(
      `Eval of ${model.name} (${model.id}) on ${problems.length} problems from ${dataset.source}, Python ${runner.python}\n`,
    );
    const bar = new ProgressBar();
    let passed = 0;
    bar.update(0, problems.length, `0/${problems.length}`);
    const startedAt = new Date();
    const run = await runEval({ models: registry, run: runner.run }, model, problems, settings, {
      signal: controller.signal,
      onResult: (result, index) => {
        passed += result.outcome === 'passed' ? 1 : 0;
        const done = index + 1;
        bar.update(
          done,
          problems.length,
          `${done}/${problems.length}  pass@1 ${percent(passed / done)}  ${result.taskId} ${result.outcome}`,
        );
      },
    });
    if (run.stoppedEarly === null) {
      bar.finish();
    } else {
      bar.abandon();
    }
    const report = buildReport({
      model,
      dataset,
      settings,
      python: runner.python,
      startedAt,
      finishedAt: new Date(),
      results: run.results,
      stoppedEarly: run.stoppedEarly,
    });
    const files = writeReports(report, outDir);
    process.stdout.write(`${summaryText(report)}Reports: ${files.json}\n         ${files.markdown}\n`);
    if (controller.signal.aborted) {
      return 130;
    }
    // A model that kept failing is a failed run for scripts, though its report is written.
    return run.stoppedEarly === null ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
  }
}

const KNOWN_ERRORS = [ConfigError, CatalogueError, DatasetError, PythonMissingError];

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(fs.realpathSync(entry)).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        KNOWN_ERRORS.some((kind) => error instanceof kind)
          ? `${(error as Error).message}\n`
          : `eval failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
