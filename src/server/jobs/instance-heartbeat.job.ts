import type { Logger } from '../logger.js';
import type { RunOwnership } from '../services/run-ownership.js';

/** How often an instance looks for stop requests of its runs made at other instances (issue 14: noticed within 1 s). */
export const CANCEL_POLL_MS = 500;

export interface InstanceHeartbeatDeps {
  ownership: Pick<RunOwnership, 'beat' | 'sweep'>;
  /** Stops this instance's runs that someone asked to stop at another instance. */
  runs: { abortRequested(): Promise<number> };
  log: Logger;
  /** INSTANCE_HEARTBEAT_SECONDS. */
  heartbeatMs: number;
  cancelPollMs?: number;
}

/** A started background job. */
export interface InstanceHeartbeatJob {
  /** One heartbeat and sweep now (failures are logged). */
  beatOnce(): Promise<void>;
  /** One look for stop requests now (failures are logged). */
  pollOnce(): Promise<void>;
  /** Stops the timers and waits for a pass under way, so the store can be closed after. */
  stop(): Promise<void>;
}

/** A task that never runs twice at once; failures are logged, never thrown. */
interface Serialized {
  /** Runs the task, or joins the run under way. */
  run: () => Promise<void>;
  /** Resolves when no run is under way. */
  idle: () => Promise<void>;
}

function serialized(task: () => Promise<void>, log: Logger, what: string): Serialized {
  let running: Promise<void> | undefined;
  return {
    run: () => {
      running ??= task()
        .catch((error: unknown) => {
          log.warn({ err: error }, `${what} failed`);
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    idle: async () => {
      await running;
    },
  };
}

/**
 * Every `heartbeatMs`: writes this instance's heartbeat, then fails the
 * runs of instances found gone (a crashed instance's runs do not stay
 * "running"). Every `cancelPollMs`: stops this instance's runs that were
 * asked to stop at another instance (one indexed query, skipped while it
 * runs nothing). The timers do not keep the process alive.
 */
export function startInstanceHeartbeat(deps: InstanceHeartbeatDeps): InstanceHeartbeatJob {
  const beat = serialized(
    async () => {
      await deps.ownership.beat();
      await deps.ownership.sweep();
    },
    deps.log,
    'instance heartbeat',
  );
  const poll = serialized(
    async () => {
      const stopped = await deps.runs.abortRequested();
      if (stopped > 0) {
        deps.log.info({ stopped }, 'generations stopped at the request of another instance');
      }
    },
    deps.log,
    'stop-request check',
  );
  const timers = [
    setInterval(() => void beat.run(), deps.heartbeatMs),
    setInterval(() => void poll.run(), deps.cancelPollMs ?? CANCEL_POLL_MS),
  ];
  for (const timer of timers) {
    timer.unref();
  }
  return {
    beatOnce: beat.run,
    pollOnce: poll.run,
    stop: async () => {
      for (const timer of timers) {
        clearInterval(timer);
      }
      await Promise.all([beat.idle(), poll.idle()]);
    },
  };
}
