import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Problem } from '../../src/server/eval/dataset.js';
import type { EvalReport } from '../../src/server/eval/report.js';
import { pinnedLocalModel } from './catalogue.js';
import { runCli, spawnCli, type CliRun, type SpawnedCli } from './cli.js';
import { startOpenAiServer, type OpenAiTestServer } from './openai-server.js';
import { writeTinyGguf } from './tiny-gguf.js';

/**
 * What `npm run eval` runs against in a test: a scratch folder holding a
 * data file of problems (tiny.jsonl), a tiny GGUF model (tiny.gguf) and a
 * catalogue of three models:
 * - `remote-coder`: served by the OpenAI test server `upstream`;
 * - `tiny-base`: the tiny GGUF, run by llama.cpp;
 * - `tiny-pinned`: pinned to the tiny GGUF's bytes but downloaded from a
 *   port nobody listens on, so only a file already in MODELS_DIR could run it.
 */
export interface EvalCliSetup {
  dir: string;
  upstream: OpenAiTestServer;
  /** The data file of the problems given to startEvalCli. */
  data: string;
  /** Runs the CLI to the end, with DATA_DIR and MODELS_FILE in the scratch folder (and `env` on top). */
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** Starts the CLI as `run` does, for a test that signals it while it runs. */
  spawn(args: string[]): SpawnedCli;
  /** Stops the upstream and removes the scratch folder. */
  close(): Promise<void>;
}

/** Writes the scratch folder for `problems` and starts the upstream. */
export async function startEvalCli(problems: Problem[]): Promise<EvalCliSetup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-cli-'));
  const upstream = await startOpenAiServer({ delayMs: 0 });
  const gguf = path.join(dir, 'tiny.gguf');
  writeTinyGguf(gguf, { contextLength: 1024 });
  const data = path.join(dir, 'tiny.jsonl');
  fs.writeFileSync(data, `${problems.map((p) => JSON.stringify(p)).join('\n')}\n`);
  const bytes = fs.readFileSync(gguf);
  const catalogue = {
    defaultModel: 'remote-coder',
    models: [
      {
        id: 'remote-coder',
        name: 'Remote Coder',
        provider: 'openai-compatible',
        format: 'chat',
        baseUrl: upstream.baseUrl,
        model: 'test-model',
      },
      {
        id: 'tiny-base',
        name: 'Tiny Base',
        provider: 'local',
        format: 'completion',
        source: gguf,
        contextLength: 1024,
      },
      pinnedLocalModel('tiny-pinned', 'Tiny Pinned', 'http://127.0.0.1:9/tiny-pinned.gguf', bytes),
    ],
  };
  fs.writeFileSync(path.join(dir, 'models.json'), JSON.stringify(catalogue));
  const env: NodeJS.ProcessEnv = {
    DATA_DIR: path.join(dir, 'data'),
    MODELS_FILE: path.join(dir, 'models.json'),
    LOG_LEVEL: 'silent',
    MODELS_GPU: 'off',
  };
  const script = 'src/server/cli/eval.ts';
  return {
    dir,
    upstream,
    data,
    run: (args, extraEnv = {}) => runCli(script, args, { env: { ...env, ...extraEnv } }),
    spawn: (args) => spawnCli(script, args, { env }),
    async close() {
      await upstream.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON report in `outDir`; throws unless there is exactly one. */
export function reportIn(outDir: string): EvalReport {
  const files = fs.readdirSync(outDir).filter((f) => f.endsWith('.json'));
  if (files.length !== 1) {
    throw new Error(`expected one JSON report in ${outDir}, found ${files.length}`);
  }
  return JSON.parse(fs.readFileSync(path.join(outDir, files[0] ?? ''), 'utf8')) as EvalReport;
}
