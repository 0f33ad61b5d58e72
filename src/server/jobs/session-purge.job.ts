import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { SessionRepository } from '../store/store.port.js';

/** How often expired and idle sessions are deleted (hourly). */
export const SESSION_PURGE_INTERVAL_MS = 3_600_000;

export interface SessionPurgeDeps {
  sessions: Pick<SessionRepository, 'purgeExpired'>;
  clock: Clock;
  /** Sessions unused this long are idle (SESSION_IDLE_TIMEOUT). */
  idleMs: number;
  log: Logger;
  intervalMs?: number;
}

/** A started background job. */
export interface SessionPurgeJob {
  /** Purges once now; resolves to how many sessions went (0 when the purge failed, which is logged). */
  runOnce(): Promise<number>;
  /** Stops the timer and waits for a purge under way, so the store can be closed after. */
  stop(): Promise<void>;
}

/**
 * Deletes expired and idle sessions every `intervalMs`. They are refused
 * anyway; purging keeps the table small. The timer does not keep the
 * process alive.
 */
export function startSessionPurge(deps: SessionPurgeDeps): SessionPurgeJob {
  let running: Promise<number> | undefined;
  const runOnce = (): Promise<number> => {
    running ??= deps.sessions
      .purgeExpired(deps.clock.now(), deps.idleMs)
      .then(
        (n) => {
          if (n > 0) {
            deps.log.info({ purged: n }, 'expired sessions purged');
          }
          return n;
        },
        (error: unknown) => {
          deps.log.warn({ err: error }, 'session purge failed');
          return 0;
        },
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    void runOnce();
  }, deps.intervalMs ?? SESSION_PURGE_INTERVAL_MS);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
