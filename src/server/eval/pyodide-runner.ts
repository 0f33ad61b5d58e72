import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PYODIDE_CHILD_SOURCE } from './pyodide-child.js';
import {
  failureMessage,
  OUTPUT_TAIL_BYTES,
  runResult,
  Tail,
  type ProgramRunner,
  type RunLimits,
  type RunResult,
} from './python-runner.js';

/**
 * Runs model-written Python with Pyodide (CPython compiled to WebAssembly,
 * from node_modules/pyodide: no Python install, no network), never inside
 * this process: each program runs in its own `node` child started with
 * Node's permission model (it may read only the Pyodide package and its
 * temporary folder, write nowhere, start no process or worker, load no
 * native addon), with an empty environment, a WebAssembly memory capped at
 * the memory limit, and killed when its time is up. Python's own files are
 * an in-memory file system that ends with the child.
 *
 * Loading Pyodide takes a second or two, so the next child is started and
 * loaded while the model writes the next answer (a pool of one warm
 * process); a child runs one program and exits, so no Python state is
 * shared between programs.
 */

/** The Pyodide package: its folder and versions. */
export interface PyodidePackage {
  folder: string;
  version: string;
  python: string;
}

/** Finds node_modules/pyodide (its real path: the permission model compares real paths). */
export function findPyodide(): PyodidePackage {
  const folder = fs.realpathSync(path.dirname(createRequire(import.meta.url).resolve('pyodide')));
  const pkg = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as { version: string };
  const lock = JSON.parse(fs.readFileSync(path.join(folder, 'pyodide-lock.json'), 'utf8')) as {
    info: { python: string };
  };
  return { folder, version: pkg.version, python: lock.info.python };
}

/** How long a child may take to load Pyodide before the run counts as failed. */
const LOAD_TIMEOUT_MS = 120_000;
/** V8's own heap in the child (Pyodide's JavaScript side); Python's memory is the WebAssembly memory. */
const JS_HEAP_MIB = 256;

/** One child: loading Pyodide, then waiting for its program. */
interface Child {
  process: ChildProcess;
  dir: string;
  memoryBytes: number;
  stdout: Tail;
  stderr: Tail;
  /** What the child wrote to fd 3: "ready\n", then "done" after a normal return. */
  marker: string;
  /** True once Pyodide is loaded, false if the child ended before. */
  ready: Promise<boolean>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

function startChild(pyodide: PyodidePackage, memoryBytes: number): Child {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-eval-')));
  const script = path.join(dir, 'child.mjs');
  fs.writeFileSync(script, PYODIDE_CHILD_SOURCE);
  const proc = spawn(
    process.execPath,
    [
      '--experimental-permission',
      `--allow-fs-read=${pyodide.folder}/`,
      `--allow-fs-read=${dir}/`,
      '--no-addons',
      '--no-warnings',
      `--max-old-space-size=${JS_HEAP_MIB}`,
      script,
      pathToFileURL(`${pyodide.folder}/`).href,
      String(memoryBytes),
    ],
    {
      cwd: dir,
      // Nothing of the operator's environment (tokens, keys, NODE_OPTIONS) reaches the child.
      env: { LANG: 'C.UTF-8', TMPDIR: dir, HOME: dir },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    },
  );
  const child: Child = {
    process: proc,
    dir,
    memoryBytes,
    stdout: new Tail(OUTPUT_TAIL_BYTES),
    stderr: new Tail(OUTPUT_TAIL_BYTES),
    marker: '',
    ready: Promise.resolve(false),
    exited: Promise.resolve({ code: null, signal: null }),
  };
  proc.stdout.on('data', (part: Buffer) => {
    child.stdout.push(part);
  });
  proc.stderr.on('data', (part: Buffer) => {
    child.stderr.push(part);
  });
  // A child killed before reading its program closes stdin under our write.
  proc.stdin.on('error', () => undefined);
  // A second Ctrl-C ends eval with process.exit: a program in an endless loop must not outlive it.
  const killOnExit = (): void => {
    proc.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  child.exited = new Promise((resolve) => {
    proc.on('error', (error) => {
      child.stderr.push(Buffer.from(`could not start ${process.execPath}: ${error.message}\n`));
      resolve({ code: -1, signal: null });
    });
    // 'close': the output pipes are drained too (the child can start nothing that would hold them).
    proc.on('close', (code, signal) => {
      resolve({ code, signal });
    });
  });
  void child.exited.then(() => {
    process.off('exit', killOnExit);
  });
  child.ready = new Promise((resolve) => {
    const fd3 = proc.stdio[3] as NodeJS.ReadableStream | null;
    fd3?.on('data', (part: Buffer) => {
      child.marker += part.toString('utf8');
      if (child.marker.startsWith('ready\n')) {
        resolve(true);
      }
    });
    void child.exited.then(() => {
      resolve(false);
    });
  });
  return child;
}

function stopChild(child: Child): void {
  child.process.kill('SIGKILL');
  void child.exited.then(() => {
    try {
      fs.rmSync(child.dir, { recursive: true, force: true });
    } catch {
      // Nothing in it was written by the program (it may write nowhere); best effort.
    }
  });
}

/** Waits for the child to load Pyodide, or false when the time is up or the run is cancelled. */
function readyWithin(child: Child, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(false);
    }, ms);
    const onAbort = (): void => {
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    void child.ready.then((ready) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ready && signal?.aborted !== true);
    });
  });
}

/**
 * A runner with one warm child; `close()` it when done (a waiting child
 * keeps the process alive). `warmFor`: the memory limit of the runs to
 * come, to start loading the first child now.
 */
export function startPyodideRunner(
  options: { pyodide?: PyodidePackage; warmFor?: number } = {},
): ProgramRunner {
  const pyodide = options.pyodide ?? findPyodide();
  let warm: Child | undefined =
    options.warmFor === undefined ? undefined : startChild(pyodide, options.warmFor);
  let closed = false;

  const take = (memoryBytes: number): Child => {
    const child = warm?.memoryBytes === memoryBytes ? warm : undefined;
    if (warm !== undefined && child === undefined) {
      stopChild(warm);
    }
    warm = undefined;
    return child ?? startChild(pyodide, memoryBytes);
  };

  const run = async (program: string, limits: RunLimits, signal?: AbortSignal): Promise<RunResult> => {
    const child = take(limits.memoryBytes);
    try {
      const ready = await readyWithin(child, LOAD_TIMEOUT_MS, signal);
      const out = (): Pick<RunResult, 'stdout' | 'stderr'> => ({
        stdout: child.stdout.text(),
        stderr: child.stderr.text(),
      });
      if (!ready) {
        stopChild(child);
        const { code, signal: sig } = await child.exited;
        const message =
          signal?.aborted === true
            ? 'killed by SIGKILL'
            : `Pyodide did not start: ${failureMessage(code, sig, child.stderr.text(), limits)}`;
        return { outcome: 'failed', message, ...out() };
      }
      child.process.stdin?.end(program);
      // An object: TypeScript would take a flag set in the timer for always false.
      const time = { up: false };
      const timer = setTimeout(() => {
        time.up = true;
        child.process.kill('SIGKILL');
      }, limits.timeoutMs);
      const onAbort = (): void => {
        child.process.kill('SIGKILL');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted === true) {
        onAbort();
      }
      const exit = await child.exited;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return runResult(exit, { timedOut: time.up, finished: child.marker === 'ready\ndone' }, out(), limits);
    } finally {
      stopChild(child);
      // The next program's child loads while the model writes its answer.
      if (!closed && warm === undefined) {
        warm = startChild(pyodide, limits.memoryBytes);
      }
    }
  };

  return {
    python: `${pyodide.python} (Pyodide ${pyodide.version})`,
    run,
    close() {
      closed = true;
      if (warm !== undefined) {
        stopChild(warm);
        warm = undefined;
      }
    },
  };
}
