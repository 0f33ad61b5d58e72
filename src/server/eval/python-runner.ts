import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs code a model wrote, never inside this process: each program runs in
 * a `python3 -I` child (isolated mode: no PYTHON* variables, no user site
 * packages, the working folder not on sys.path) in a fresh temporary folder,
 * with a nearly empty environment, in its own process group (so the whole
 * group can be killed, children included), under an address-space limit
 * the kernel enforces, and killed when its time is up.
 */

/** The interpreter that runs programs. */
export interface PythonRuntime {
  /** Absolute path of the real interpreter (not a pyenv or asdf shim). */
  executable: string;
  /** e.g. 3.11.7 */
  version: string;
}

/** No usable Python: the message says what to do. */
export class PythonMissingError extends Error {
  constructor(detail: string) {
    super(`eval needs python3 on PATH; set PYTHON=/path/to/python3 to use another interpreter (${detail}).`);
    this.name = 'PythonMissingError';
  }
}

/**
 * Finds the interpreter: $PYTHON, else python3 on PATH. It is asked for its
 * real path because shims (pyenv, asdf) need variables the programs' empty
 * environment will not have, and for `resource`, which the limits need.
 */
export async function findPython(env: NodeJS.ProcessEnv = process.env): Promise<PythonRuntime> {
  const command = env.PYTHON !== undefined && env.PYTHON !== '' ? env.PYTHON : 'python3';
  try {
    const { stdout } = await promisify(execFile)(
      command,
      ['-I', '-c', 'import resource, sys; print(sys.executable); print(sys.version.split()[0])'],
      { env, timeout: 60_000 },
    );
    const [executable, version] = stdout.trim().split('\n');
    if (executable === undefined || executable === '' || version === undefined) {
      throw new PythonMissingError(`${command} did not say where it is installed`);
    }
    return { executable, version };
  } catch (error) {
    if (error instanceof PythonMissingError) {
      throw error;
    }
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    throw new PythonMissingError(
      e.code === 'ENOENT'
        ? `${command} was not found`
        : `${command} failed: ${(e.stderr ?? '').trim().split('\n').pop() ?? e.message}`,
    );
  }
}

/** Limits of one run. */
export interface RunLimits {
  /** Wall-clock time before the process group is killed. */
  timeoutMs: number;
  /** RLIMIT_AS: the most address space the program may map. */
  memoryBytes: number;
}

/** How a run ended. */
export interface RunResult {
  outcome: 'passed' | 'failed' | 'timed-out';
  /** Why it did not pass: the last line of the traceback, the signal, or the time limit. */
  message?: string;
  /** The ends of the program's output (the last OUTPUT_TAIL_BYTES of each). */
  stdout: string;
  stderr: string;
}

/** Runs one program; python3 and Pyodide have the same shape, so eval's report does not change. */
export interface ProgramRunner {
  /** What the report names as the Python, e.g. "3.11.7" or "3.13.2 (Pyodide 0.29.5)". */
  python: string;
  run: (program: string, limits: RunLimits, signal?: AbortSignal) => Promise<RunResult>;
  /** Stops anything the runner keeps running between programs. */
  close: () => void;
}

/** The python3 runner: runProgram on `python`. */
export function python3Runner(python: PythonRuntime): ProgramRunner {
  return {
    python: python.version,
    run: (program, limits, signal) => runProgram(python, program, limits, signal),
    close: () => undefined,
  };
}

/** How much of each output stream is kept: the end, where a traceback's last line is. */
export const OUTPUT_TAIL_BYTES = 16 * 1024;

/** Files the program writes may not grow beyond this (RLIMIT_FSIZE). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Sets the limits, runs the program as __main__, and only when it returned
 * normally writes to fd 3: a program that exits early (sys.exit(0),
 * os._exit(0)) before `check()` has run never counts as passed.
 */
const BOOTSTRAP = `
import os, resource, sys
def limit(kind, value):
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))
limit(resource.RLIMIT_AS, int(sys.argv[1]))
limit(resource.RLIMIT_FSIZE, ${MAX_FILE_BYTES})
limit(resource.RLIMIT_CORE, 0)
path = sys.argv[2]
sys.argv = [path]
with open(path, encoding="utf-8") as f:
    code = compile(f.read(), path, "exec")
exec(code, {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__})
sys.stdout.flush()
sys.stderr.flush()
os.write(3, b"done")
`;

/** Keeps the last `limit` bytes of a stream. */
export class Tail {
  private parts: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(part: Buffer): void {
    this.parts.push(part);
    this.size += part.length;
    if (this.size > 2 * this.limit) {
      const all = Buffer.concat(this.parts);
      this.dropped += all.length - this.limit;
      this.parts = [all.subarray(all.length - this.limit)];
      this.size = this.limit;
    }
  }

  text(): string {
    const all = Buffer.concat(this.parts);
    const cut = this.dropped + Math.max(0, all.length - this.limit);
    const text = all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
    return cut > 0 ? `[… ${cut} bytes cut]\n${text}` : text;
  }
}

/** Kills the whole process group; it may be gone already. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) {
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: every process of the group has exited.
  }
}

/** The reason a finished run did not pass, in one line (the Pyodide runner reports the same). */
export function failureMessage(
  code: number | null,
  signal: string | null,
  stderr: string,
  limits: RunLimits,
): string {
  const last = stderr
    .trimEnd()
    .split('\n')
    .reverse()
    .find((l) => l.trim() !== '' && !l.startsWith('[… '));
  if (last !== undefined && code !== 0) {
    return /^MemoryError\b/.test(last)
      ? `${last.trim()} (memory limit ${Math.round(limits.memoryBytes / 1_048_576)} MiB)`
      : last.trim();
  }
  if (signal !== null) {
    return `killed by ${signal}`;
  }
  return code === 0 ? 'the program exited before its tests finished' : `exited with code ${code}`;
}

/**
 * How a finished run is reported, the same for python3 and Pyodide: timed
 * out, passed (exit 0 and `finished`, the marker written after the tests),
 * or failed with its reason in one line.
 */
export function runResult(
  exit: { code: number | null; signal: string | null },
  ended: { timedOut: boolean; finished: boolean },
  out: { stdout: string; stderr: string },
  limits: RunLimits,
): RunResult {
  if (ended.timedOut) {
    return { outcome: 'timed-out', message: `stopped after ${limits.timeoutMs / 1000} s`, ...out };
  }
  if (exit.code === 0 && ended.finished) {
    return { outcome: 'passed', ...out };
  }
  return { outcome: 'failed', message: failureMessage(exit.code, exit.signal, out.stderr, limits), ...out };
}

/**
 * Runs one program under the limits. `signal` (Ctrl-C) kills it at once;
 * the result is then "failed" and the caller discards it.
 */
export async function runProgram(
  python: PythonRuntime,
  program: string,
  limits: RunLimits,
  signal?: AbortSignal,
): Promise<RunResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-eval-'));
  try {
    const file = path.join(dir, 'program.py');
    fs.writeFileSync(file, program);
    return await new Promise<RunResult>((resolve) => {
      const child = spawn(python.executable, ['-I', '-c', BOOTSTRAP, String(limits.memoryBytes), file], {
        cwd: dir,
        // Nothing of the operator's environment (tokens, keys) reaches model-written code.
        env: {
          PATH: '/usr/local/bin:/usr/bin:/bin',
          HOME: dir,
          TMPDIR: dir,
          LANG: 'C.UTF-8',
          LC_ALL: 'C.UTF-8',
        },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        // A new process group: killing -pid stops the program and anything it started.
        detached: true,
      });
      const stdout = new Tail(OUTPUT_TAIL_BYTES);
      const stderr = new Tail(OUTPUT_TAIL_BYTES);
      let marker = '';
      child.stdout?.on('data', (part: Buffer) => {
        stdout.push(part);
      });
      child.stderr?.on('data', (part: Buffer) => {
        stderr.push(part);
      });
      const fd3 = child.stdio[3] as NodeJS.ReadableStream | null;
      fd3?.on('data', (part: Buffer) => {
        marker += part.toString('utf8');
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, limits.timeoutMs);
      const onAbort = (): void => {
        killGroup(child.pid);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted === true) {
        onAbort();
      }
      let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
      let settled = false;
      let grace: NodeJS.Timeout | undefined;
      const settle = (): void => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        clearTimeout(grace);
        signal?.removeEventListener('abort', onAbort);
        const out = { stdout: stdout.text(), stderr: stderr.text() };
        resolve(runResult(exit, { timedOut, finished: marker === 'done' }, out, limits));
      };
      child.on('error', (error) => {
        stderr.push(Buffer.from(`could not start ${python.executable}: ${error.message}\n`));
        exit = { code: -1, signal: null };
        settle();
      });
      child.on('exit', (code, sig) => {
        exit = { code, signal: sig };
        // Anything the program left running is stopped with it.
        killGroup(child.pid);
        // 'close' follows once the pipes are drained; a process that left the
        // group (setsid) could hold them open, so do not wait for it forever.
        grace = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          settle();
        }, 1000);
      });
      child.on('close', settle);
    });
  } finally {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // A program that made its files undeletable leaves them in the temporary folder.
    }
  }
}
