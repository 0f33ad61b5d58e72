import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { ConfigError, loadConfig } from '../config.js';
import { CatalogueError, loadCatalogue, type ModelEntry } from '../models/catalogue.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { createModelRegistry } from '../models/index.js';
import { takesFollowUps } from '../models/prompt-formats.js';
import { DatasetError, HUMAN_EVAL, loadDataset, type Dataset } from '../eval/dataset.js';
import { runEval, type EvalSettings } from '../eval/eval-run.js';
import { startPyodideRunner } from '../eval/pyodide-runner.js';
import { findPython, python3Runner, PythonMissingError, type ProgramRunner } from '../eval/python-runner.js';
import { buildReport, percent, summaryText, writeReports } from '../eval/report.js';
import { parse, USAGE } from './eval-args.js';
import { verifyWithProgress } from './models-verify.js';
import { ProgressBar } from './progress-bar.js';

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
    if (args.repair !== null && !takesFollowUps(model.format)) {
      process.stderr.write(
        `--repair needs a chat model: ${model.name} is a code-completion model and cannot take a failing run as its next turn.\n`,
      );
      return 2;
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
    ...(args.repair === null ? {} : { repair: args.repair }),
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
      `Eval of ${model.name} (${model.id}) on ${problems.length} problems from ${dataset.source}, Python ${runner.python}${args.repair === null ? '' : `, with repair (up to ${args.repair} fix round${args.repair === 1 ? '' : 's'})`}\n`,
    );
    const bar = new ProgressBar();
    let passed = 0;
    let firstPassed = 0;
    bar.update(0, problems.length, `0/${problems.length}`);
    const startedAt = new Date();
    const run = await runEval({ models: registry, run: runner.run }, model, problems, settings, {
      signal: controller.signal,
      onResult: (result, index) => {
        passed += result.outcome === 'passed' ? 1 : 0;
        firstPassed += result.repair?.first.outcome === 'passed' ? 1 : 0;
        const done = index + 1;
        const first = args.repair === null ? '' : ` (without repair ${percent(firstPassed / done)})`;
        bar.update(
          done,
          problems.length,
          `${done}/${problems.length}  pass@1 ${percent(passed / done)}${first}  ${result.taskId} ${result.outcome}`,
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
