import cluster, { type Worker } from 'node:cluster';

/** What the first process of WEB_CONCURRENCY=N does, and where it reports. */
export interface WorkerPoolOptions {
  /** Workers to keep running. */
  count: number;
  /** Called once, when every worker first listens (the ready line). */
  onReady: () => void;
  /** A line for the operator (stderr). */
  report: (line: string) => void;
}

/**
 * Runs this program `count` times as node:cluster workers that share one
 * port: one Node process runs its JavaScript on one core, so a machine with
 * several cores serves more with several workers (issue 14). Each worker is
 * a full instance of the app on the shared store, so limits, sessions and
 * runs hold whichever worker a request lands on.
 *
 * The first process serves nothing itself. It replaces a worker that dies
 * after it has listened (a crash, an out-of-memory kill); a worker that dies
 * before it ever listened stops everything with its exit code, since the
 * next one would fail the same way (bad settings, an unreachable store).
 * SIGTERM and SIGINT are passed on to every worker, which stops gracefully
 * (runs saved, connections drained); the first process exits once they have.
 */
export function runWorkers(options: WorkerPoolOptions): void {
  const listened = new Set<number>();
  let ready = false;
  let stopping = false;

  const fork = (): Worker => cluster.fork();
  cluster.on('listening', (worker) => {
    listened.add(worker.id);
    if (!ready && listened.size >= options.count) {
      ready = true;
      options.onReady();
    }
  });
  cluster.on('exit', (worker, code: number | null, signal: NodeJS.Signals | null) => {
    const how = signal ?? `exit code ${String(code)}`;
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        process.exit(process.exitCode ?? 0);
      }
      return;
    }
    if (!listened.has(worker.id)) {
      options.report(`A worker stopped before it could serve (${how}): stopping CodeGenie.`);
      process.exitCode = code === 0 || code === null ? 1 : code;
      stop('SIGTERM');
      return;
    }
    options.report(`Worker ${String(worker.process.pid)} ended unexpectedly (${how}): starting another.`);
    fork();
  });

  const stop = (signal: NodeJS.Signals): void => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) {
      process.exit(process.exitCode ?? 0);
    }
    for (const worker of workers) {
      worker.process.kill(signal);
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stopping) {
      stop(signal);
    }
  };
  process.on('SIGTERM', () => {
    onSignal('SIGTERM');
  });
  process.on('SIGINT', () => {
    onSignal('SIGINT');
  });

  for (let i = 0; i < options.count; i++) {
    fork();
  }
}

/** True in a process that should run the app itself: a worker, or the only process (WEB_CONCURRENCY=1). */
export function servesItself(webConcurrency: number): boolean {
  return webConcurrency <= 1 || cluster.isWorker;
}

/** True in a cluster worker: the first process prints the ready line, not each worker. */
export function isWorker(): boolean {
  return cluster.isWorker;
}
