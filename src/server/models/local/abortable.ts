import { GenerationCancelledError } from '../model-errors.js';

/**
 * Resolves like `promise` unless `signal` aborts first (GenerationCancelledError).
 * A value that arrives after the abort goes to `onLate` (to release it).
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  onLate?: (value: T) => void,
): Promise<T> {
  if (signal.aborted) {
    void promise.then(onLate, () => undefined);
    return Promise.reject(new GenerationCancelledError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(new GenerationCancelledError());
      void promise.then(onLate, () => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
