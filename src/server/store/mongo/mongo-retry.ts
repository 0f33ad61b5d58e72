import { isUnavailable } from './mongo-errors.js';

/** Tries of one step in all: a primary election on Atlas takes a few seconds at most. */
const ATTEMPTS = 4;
/** Pause before the second try, doubled for each further one (100, 200, 400 ms). */
const FIRST_PAUSE_MS = 100;

/**
 * Runs an idempotent step again while it fails on a transient error (no
 * primary, network, step-down). A multi-document write (deleteMany) is not a
 * retryable write for the driver, so a failover in the middle of one would
 * otherwise fail the whole sequence. Other errors are thrown at once.
 */
export async function retryTransient<T>(
  step: () => Promise<T>,
  pause: (ms: number) => Promise<void> = defaultPause,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isUnavailable(error)) {
        throw error;
      }
      await pause(FIRST_PAUSE_MS * 2 ** (attempt - 1));
    }
  }
}

function defaultPause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
