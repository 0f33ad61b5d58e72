import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The project root: CLI scripts are named relative to it, and run in it by default. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** How a CLI run ended: its exit code (null when a signal ended it) and everything it printed. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Set on top of this process's environment (an empty string blanks a variable). */
  env?: NodeJS.ProcessEnv;
  /** Default: the project root. */
  cwd?: string;
}

/** A CLI started by spawnCli: the child, to signal it, and how its run ended. */
export interface SpawnedCli {
  child: ChildProcess;
  /** Resolves once the child has exited and its output has been read to the end. */
  result: Promise<CliRun>;
}

/**
 * Starts a TypeScript CLI script (e.g. `src/server/cli/models.ts`) as an
 * operator's `npm run` would, in a child process under tsx. `node --import
 * tsx` rather than the tsx binary: one process, so a signal sent to the
 * child reaches the script itself.
 */
export function spawnCli(script: string, args: string[] = [], options: CliOptions = {}): SpawnedCli {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  // Decoded by the stream, so a character split across two reads stays whole.
  child.stdout.setEncoding('utf8').on('data', (part: string) => (stdout += part));
  child.stderr.setEncoding('utf8').on('data', (part: string) => (stderr += part));
  const result = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
  return { child, result };
}

/** Runs a TypeScript CLI script to the end (see spawnCli): its exit code and output. */
export function runCli(script: string, args: string[] = [], options: CliOptions = {}): Promise<CliRun> {
  return spawnCli(script, args, options).result;
}
