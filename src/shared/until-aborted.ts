/**
 * Settles like `promise` unless `signal` aborts first: then it rejects at
 * once with `stopped()`, and a value that still arrives goes to `onLate`
 * (to release it). Used wherever a caller must stop waiting on work it
 * cannot cancel itself (a model load, a model's answer, a test run).
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  stopped: () => Error,
  onLate?: (value: T) => void,
): Promise<T> {
  if (signal.aborted) {
    void promise.then(onLate, () => undefined);
    return Promise.reject(stopped());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(stopped());
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
