import { useEffect, useState } from 'react';
import { ApiError } from '../api/api-client';
import { fetchThread, type Thread } from '../api/threads.api';
import { asApiError } from './useHistoryList';

/** Where loading one thread stands. */
export type LoadedThread =
  | { status: 'loading' }
  | { status: 'notFound' }
  | { status: 'error'; message: string }
  | { status: 'ready'; thread: Thread };

/** One thread with every turn and version, fetched (and the fetch aborted) as `id` changes. */
export function useThreadRecord(id: string): { loaded: LoadedThread; retry: () => void } {
  const [loaded, setLoaded] = useState<LoadedThread>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    fetchThread(id, controller.signal).then(
      (thread) => {
        setLoaded({ status: 'ready', thread });
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
  }, [id, attempt]);

  return {
    loaded,
    retry: () => {
      setLoaded({ status: 'loading' });
      setAttempt((n) => n + 1);
    },
  };
}
