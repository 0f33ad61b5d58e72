import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { transform } from 'sucrase';
import { OUTPUT_TAIL_BYTES, runResult, Tail, type RunLimits, type RunResult } from '../eval/python-runner.js';
import { NODE_CHILD_SOURCE } from './node-child.js';

/**
 * Runs model-written JavaScript (and TypeScript, its types stripped with
 * sucrase) never inside this process: each program runs in its own `node`
 * child started with Node 20's permission model (`--experimental-permission`
 * with one `--allow-fs-read`: the program's own file; no fs write, no child
 * process, no worker), `--no-addons`, an empty environment, V8's heap capped
 * with `--max-old-space-size`, and killed with SIGKILL when its time is up.
 * The bootstrap (node-child.ts) takes away the network, which Node 20's
 * permission model does not cover.
 */

/** The language of a program the JavaScript runner takes. */
export type NodeLanguage = 'javascript' | 'typescript';

/**
 * The program as CommonJS: `import`/`export` lines become `require` and
 * `exports`, and TypeScript loses its types (nothing is type-checked, as in
 * the browser's Run). A syntax error is thrown with sucrase's message.
 */
export function toCommonJs(program: string, language: NodeLanguage): string {
  const transforms: ('typescript' | 'imports')[] =
    language === 'typescript' ? ['typescript', 'imports'] : ['imports'];
  return transform(program, { transforms, disableESTransforms: true }).code;
}

/** Mebibytes of V8 heap for a memory limit in bytes (at least 16: Node itself needs some). */
function heapMiB(memoryBytes: number): number {
  return Math.max(16, Math.floor(memoryBytes / 1_048_576));
}

/** A JavaScript error's first line ("TypeError: ...", "Error: Assertion failed: ..."), where the stack starts. */
const ERROR_LINE = /^(?:[A-Z][\w$]*(?:Error|Exception)\b|Error\b|Uncaught\b).*$/m;

/**
 * A failed run's message: the error's first line (a stack trace ends in its
 * frames, not in the message, unlike Python's traceback); else runResult's.
 */
function withErrorLine(result: RunResult): RunResult {
  const line = result.outcome === 'failed' ? ERROR_LINE.exec(result.stderr)?.[0] : undefined;
  return line === undefined ? result : { ...result, message: line.trim() };
}

/**
 * Runs one program under the limits; `signal` kills it at once (the result
 * is then "failed" with "killed by SIGKILL" and the caller discards it).
 */
export async function runNodeProgram(
  program: string,
  language: NodeLanguage,
  limits: RunLimits,
  signal?: AbortSignal,
): Promise<RunResult> {
  let source: string;
  try {
    source = toCommonJs(program, language);
  } catch (error) {
    const message = `SyntaxError: ${error instanceof Error ? error.message : String(error)}`;
    return { outcome: 'failed', message, stdout: '', stderr: message };
  }
  // Its real path: the permission model compares real paths (/tmp may be a link).
  // Asynchronous: the server's other requests go on while the file is written and removed.
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'codegenie-run-')));
  try {
    const file = path.join(dir, 'program.cjs');
    await fs.writeFile(file, source);
    return await new Promise<RunResult>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--experimental-permission',
          `--allow-fs-read=${file}`,
          '--no-addons',
          '--no-warnings',
          `--max-old-space-size=${heapMiB(limits.memoryBytes)}`,
          '-e',
          NODE_CHILD_SOURCE,
          file,
        ],
        // Nothing of the operator's environment (tokens, keys, NODE_OPTIONS) reaches the program.
        { cwd: dir, env: {}, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] },
      );
      const tails = { stdout: new Tail(OUTPUT_TAIL_BYTES), stderr: new Tail(OUTPUT_TAIL_BYTES) };
      for (const name of ['stdout', 'stderr'] as const) {
        child[name]?.on('data', (part: Buffer) => {
          tails[name].push(part);
        });
      }
      let marker = '';
      (child.stdio[3] as NodeJS.ReadableStream | null)?.on('data', (part: Buffer) => {
        marker += part.toString('utf8');
      });
      // An object: TypeScript would take a flag set in the timer for always false.
      const time = { up: false };
      const timer = setTimeout(() => {
        time.up = true;
        child.kill('SIGKILL');
      }, limits.timeoutMs);
      const onAbort = (): void => {
        child.kill('SIGKILL');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted === true) {
        onAbort();
      }
      const finish = (code: number | null, sig: string | null): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const out = { stdout: tails.stdout.text(), stderr: tails.stderr.text() };
        const ended = { timedOut: time.up, finished: marker === 'done' };
        resolve(withErrorLine(runResult({ code, signal: sig }, ended, out, limits)));
      };
      child.on('error', (error) => {
        tails.stderr.push(Buffer.from(`could not start ${process.execPath}: ${error.message}\n`));
        finish(-1, null);
      });
      // 'close': the output pipes are drained too (the child can start nothing that would hold them).
      child.on('close', finish);
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
