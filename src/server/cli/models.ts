import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { CatalogueError, loadCatalogue, type Catalogue, type LocalModelEntry } from '../models/catalogue.js';
import type { LocalProvider } from '../models/local/local.provider.js';
import { localProviderOptions } from '../models/index.js';
import { replicaUrls } from '../models/openai-compatible/openai.schema.js';
import type { DownloadProgress } from '../models/provider.port.js';
import { AppError } from '../errors.js';
import { PROMPT_USAGE, PromptUsageError, renderPromptCommand } from './models-prompt.js';
import { ProgressBar } from './progress-bar.js';
import { readyDetail, verifyWithProgress } from './models-verify.js';

const USAGE = `Usage: npm run models -- <command>

Commands:
  list         Show every model of the catalogue (MODELS_FILE or the shipped one)
               and whether it is ready, not downloaded yet, or unavailable. Files in
               MODELS_DIR are checked against their pinned size and SHA-256 first.
  pull <id>    Download a local model's GGUF file into MODELS_DIR, with a progress bar,
               under a name pinned to its SHA-256; a file already there is checked instead.
               An interrupted download resumes where it stopped when run again.
${PROMPT_USAGE}`;

/** Model commands; run with `npm run models -- <command>`. Exit codes: 0 ok, 1 failed, 2 usage. */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'prompt') {
    return printPrompt(args);
  }
  const valid = (command === 'list' && args.length === 0) || (command === 'pull' && args.length === 1);
  if (!valid) {
    process.stderr.write(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  if (fs.existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const config = loadConfig();
  const catalogue = loadCatalogue(config.models.file);
  // Imported here so that `--help` and bad usage never load the engine.
  const { LocalProvider: Provider } = await import('../models/local/local.provider.js');
  const provider = new Provider(localProviderOptions(config, Fastify({ logger: false }).log));
  try {
    if (command === 'list') {
      await list(catalogue, config, provider);
      return 0;
    }
    return await pull(catalogue, args[0] ?? '', provider);
  } finally {
    await provider.close();
  }
}

/** `prompt`: no engine, no downloads; only the catalogue and the prompt builder. */
function printPrompt(args: string[]): number {
  if (fs.existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const catalogue = loadCatalogue(loadConfig().models.file);
  try {
    const output = renderPromptCommand(catalogue, args);
    process.stdout.write(output.stdout);
    process.stderr.write(output.stderr);
    return 0;
  } catch (error) {
    if (error instanceof PromptUsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError) {
      const fields = (error.details as { fields?: Record<string, string> } | undefined)?.fields;
      const detail = Object.values(fields ?? {})
        .filter((m) => m !== error.message)
        .map((m) => ` ${m}`)
        .join('');
      process.stderr.write(`${error.message}${detail}\n`);
      return 1;
    }
    throw error;
  }
}

async function list(catalogue: Catalogue, config: Config, provider: LocalProvider): Promise<void> {
  // One file at a time, as the server does at start-up: the statuses below are then checked facts.
  const files = new Map<string, string | null>();
  for (const m of catalogue.models) {
    if (m.provider === 'local') {
      files.set(m.id, await verifyWithProgress(provider, m, process.stderr));
    }
  }
  const rows = catalogue.models.map((m) => {
    if (m.provider !== 'local') {
      return [m.id, m.name, 'remote', `served by ${replicaUrls(m).join(', ')}`];
    }
    const s = provider.status(m);
    let detail = s.reason ?? '';
    if (s.status === 'ready') {
      detail = readyDetail(m, files.get(m.id) ?? null);
    } else if (s.status === 'downloading' && s.progress) {
      detail = describeBytes(s.progress);
    } else if (s.status === 'not-downloaded' && m.size !== undefined) {
      detail = `${megabytes(m.size)} MB to download${detail ? `; ${detail}` : ''}`;
    }
    return [m.id + (m.id === catalogue.defaultModel ? ' *' : ''), m.name, s.status, detail];
  });
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const row of rows) {
    const cells = row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell));
    process.stdout.write(`${cells.join('  ').trimEnd()}\n`);
  }
  process.stderr.write(`\n* default model. Catalogue: ${catalogue.file}. Files: ${config.models.dir}\n`);
}

async function pull(catalogue: Catalogue, id: string, provider: LocalProvider): Promise<number> {
  const model = catalogue.models.find((m) => m.id === id);
  if (!model) {
    process.stderr.write(
      `There is no model "${id}" in ${catalogue.file}. Models: ${catalogue.models.map((m) => m.id).join(', ')}\n`,
    );
    return 1;
  }
  if (model.provider !== 'local') {
    process.stderr.write(
      `${model.name} runs on a remote server (${replicaUrls(model).join(', ')}); there is nothing to download.\n`,
    );
    return 1;
  }
  const target = provider.filePath(model);
  const existed = fs.existsSync(target);
  const present = await verifyWithProgress(provider, model, process.stderr);
  if (present !== null) {
    process.stderr.write(`${model.name} is already downloaded, and its file matches the catalogue's pin.\n`);
    process.stdout.write(`${present}\n`);
    return 0;
  }
  if (existed) {
    process.stderr.write(
      `${path.basename(target)} in MODELS_DIR did not match the catalogue's pin and was deleted; downloading the right file.\n`,
    );
  }
  const bar = new DownloadBar(model);
  const stop = (): void => {
    bar.interrupt();
    void provider.close();
  };
  process.once('SIGINT', stop);
  try {
    const file = await provider.download(model, (p) => {
      bar.update(p);
    });
    bar.finish();
    process.stdout.write(`${file}\n`);
    return 0;
  } catch (error) {
    bar.fail();
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
  }
}

/**
 * The download's progress bar (progress-bar.ts): MB done of total and the
 * speed, plus the lines before and after it.
 */
class DownloadBar {
  private readonly bar = new ProgressBar();
  private readonly started = Date.now();
  private startBytes: number | undefined;
  private interrupted = false;

  constructor(private readonly model: LocalModelEntry) {
    process.stderr.write(`Downloading ${model.name} (${model.id})\n`);
  }

  update(p: DownloadProgress): void {
    if (this.startBytes === undefined) {
      this.startBytes = p.receivedBytes;
      if (p.receivedBytes > 0) {
        process.stderr.write(`Resuming at ${megabytes(p.receivedBytes)} MB\n`);
      }
    }
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const rate = `${((p.receivedBytes - this.startBytes) / seconds / 1_048_576).toFixed(1)} MB/s`;
    this.bar.update(p.receivedBytes, p.totalBytes, `${describeBytes(p)}  ${rate}`);
  }

  finish(): void {
    this.bar.finish();
    process.stderr.write(`${this.model.name} is ready.\n`);
  }

  fail(): void {
    this.bar.abandon();
    if (this.interrupted) {
      process.stderr.write('Interrupted. Run the same command again to resume.\n');
    }
  }

  interrupt(): void {
    this.interrupted = true;
  }
}

function describeBytes(p: DownloadProgress): string {
  return p.totalBytes
    ? `${megabytes(p.receivedBytes)}/${megabytes(p.totalBytes)} MB`
    : `${megabytes(p.receivedBytes)} MB`;
}

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError || error instanceof CatalogueError
        ? `${error.message}\n`
        : `models failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
