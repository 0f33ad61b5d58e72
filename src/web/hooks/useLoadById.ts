import { useEffect, useState } from 'react';
import { ApiError } from '../api/api-client';
import { asApiError } from './useHistoryList';

/** Where loading one thing by id stands. */
export type Loaded<T> =
  | { status: 'loading' }
  | { status: 'notFound' }
  | { status: 'error'; message: string }
  | { status: 'ready'; value: T };

/**
 * One thing (a history record, a thread) fetched by `load` as `id` changes,
 * the fetch aborted when it changes again or the page goes; `retry` fetches
 * it again. `load` must be a stable function (a module's export).
 */
export function useLoadById<T>(
  id: string,
  load: (id: string, signal: AbortSignal) => Promise<T>,
): { loaded: Loaded<T>; retry: () => void } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    load(id, controller.signal).then(
      (value) => {
        setLoaded({ status: 'ready', value });
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        setLoaded(
          error instanceof ApiError && error.status === 404
            ? { status: 'notFound' }
            : { status: 'error', message: asApiError(error).message },
        );
      },
    );
    return () => {
      controller.abort();
    };
  }, [id, load, attempt]);

  return {
    loaded,
    retry: () => {
      setLoaded({ status: 'loading' });
      setAttempt((n) => n + 1);
    },
  };
}
