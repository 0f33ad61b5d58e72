import fs from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { freePort } from './app.js';
import { spawnCli, type CliRun, type SpawnedCli } from './cli.js';
import { newLogFile } from './secrets.js';

/** The child's entry: src/server/main.ts, ending itself when the test process is gone. */
const CHILD_ENTRY = 'test/helpers/server-child.ts';

/** What main.ts prints once it listens, followed by APP_URL. */
const READY_LINE = 'CodeGenie is running at ';

export interface ServerProcessOptions {
  /** The data folder (SQLite file, session secret); kept, so a second server can start on it. */
  dataDir: string;
  /** A name for the log file in test-results/logs (read by the log audit). */
  name: string;
  /** A model catalogue written to DATA_DIR/models.json and used as MODELS_FILE. */
  catalogue?: { defaultModel: string; models: Record<string, unknown>[] };
  /** Extra environment, as an operator would set it. */
  env?: Record<string, string>;
  /** Called as soon as the process exists, before it listens (so a teardown can end one that never does). */
  onSpawn?: (server: ServerProcess) => void;
}

/** How a server process ended: its exit code, or the signal that ended it. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The real server (src/server/main.ts) running in a child process. */
export interface ServerProcess {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Where its output (stdout and stderr) is written. */
  logFile: string;
  /** Resolves once the process has ended. */
  exited: Promise<ServerExit>;
  /** Sends `signal` (SIGTERM: a graceful stop; SIGKILL: a crash) and resolves once the process has ended. */
  kill(signal: NodeJS.Signals): Promise<ServerExit>;
}

/**
 * Starts the server as an operator does (`src/server/main.ts` under tsx,
 * configured by the environment only) on 127.0.0.1 and a free port, and
 * resolves once it says it is listening. Its output (debug logs) goes to a
 * log file for the log audit. Use useServerProcesses in a suite, so that
 * every process is ended after it.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const modelsFile = path.join(options.dataDir, 'models.json');
  if (options.catalogue) {
    fs.writeFileSync(modelsFile, JSON.stringify(options.catalogue, null, 2));
  }
  const spawned = spawnCli(CHILD_ENTRY, [], {
    env: {
      DATA_DIR: options.dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: url,
      LOG_LEVEL: 'debug',
      // Settings of the environment the tests run in must not reach this server.
      DATABASE_URL: '',
      SESSION_SECRET: '',
      MODELS_GPU: 'off',
      ...(options.catalogue ? { MODELS_FILE: modelsFile } : {}),
      ...options.env,
    },
  });
  const logFile = newLogFile(options.name);
  const { server, ready } = follow(spawned, url, logFile);
  options.onSpawn?.(server);
  await ready;
  return server;
}

/**
 * Follows a spawned server: the process, and a promise that resolves once it
 * says it listens (or rejects when it exits first).
 */
function follow(
  spawned: SpawnedCli,
  url: string,
  logFile: string,
): { server: ServerProcess; ready: Promise<void> } {
  const { child, result } = spawned;
  let printed: string | undefined = '';
  const ready = new Promise<void>((resolve) => {
    const onOutput = (part: string) => {
      fs.appendFileSync(logFile, part);
      if (printed === undefined) {
        return;
      }
      printed += part;
      if (printed.includes(`${READY_LINE}${url}`)) {
        printed = undefined;
        resolve();
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
  });
  const exited = result.then((run: CliRun) => ({ code: run.code, signal: child.signalCode }));
  const early = exited.then((exit) => {
    throw new Error(`the server exited before listening (${JSON.stringify(exit)}); see ${logFile}`);
  });
  // Once it listens, its exit is reported through `exited` and `kill`, not as a start-up failure.
  early.catch(() => undefined);
  const server: ServerProcess = {
    url,
    logFile,
    exited,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
      return exited;
    },
  };
  return { server, ready: Promise.race([ready, early]) };
}

/**
 * The JSON lines a server process (its workers too) has written to its log
 * so far, as objects. The last piece of the file is left out: it is a line
 * still being written, or empty.
 */
export function logLines(server: ServerProcess): Record<string, unknown>[] {
  return fs
    .readFileSync(server.logFile, 'utf8')
    .split('\n')
    .slice(0, -1)
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Server processes of a suite (see useServerProcesses). */
export interface ServerProcesses {
  /** startServerProcess, the process ended after the suite. */
  start(options: ServerProcessOptions): Promise<ServerProcess>;
  /**
   * Starts one process per name at once, each with a DATA_DIR of its own in
   * `root` and all on one SQLite file there (DATABASE_URL), so nothing but
   * the store is shared: several instances of one app. Resolves once all
   * listen, with them in the order of `names` and the SQLite file.
   */
  startOnOneStore<const Names extends readonly string[]>(
    root: string,
    names: Names,
    options?: Omit<ServerProcessOptions, 'name' | 'dataDir' | 'onSpawn'>,
  ): Promise<{ servers: { -readonly [K in keyof Names]: ServerProcess }; file: string }>;
}

/**
 * Server processes for this suite: `start` runs startServerProcess, and
 * afterAll kills (SIGKILL) every one still running and waits for its end.
 */
export function useServerProcesses(): ServerProcesses {
  const started: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map((server) => server.kill('SIGKILL')));
  });
  const start = (options: ServerProcessOptions) =>
    startServerProcess({
      ...options,
      onSpawn: (server) => {
        started.push(server);
        options.onSpawn?.(server);
      },
    });
  return {
    start,
    async startOnOneStore(root, names, options = {}) {
      const file = path.join(fs.mkdtempSync(path.join(root, 'store-')), 'codegenie.db');
      const servers = await Promise.all(
        names.map((name) =>
          start({
            ...options,
            name,
            dataDir: fs.mkdtempSync(path.join(root, `${name}-`)),
            env: { ...options.env, DATABASE_URL: `sqlite:${file}` },
          }),
        ),
      );
      return { servers: servers as { -readonly [K in keyof typeof names]: ServerProcess }, file };
    },
  };
}
