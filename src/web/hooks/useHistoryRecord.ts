import { useEffect, useState } from 'react';
import { ApiError } from '../api/api-client';
import { fetchHistoryRecord, type HistoryRecord } from '../api/history.api';
import { asApiError } from './useHistoryList';

/** Where loading one history record stands. */
export type LoadedRecord =
  | { status: 'loading' }
  | { status: 'notFound' }
  | { status: 'error'; message: string }
  | { status: 'ready'; record: HistoryRecord };

/** One history record, fetched (and the fetch aborted) as `id` changes; `retry` fetches it again. */
export function useHistoryRecord(id: string): { loaded: LoadedRecord; retry: () => void } {
  const [loaded, setLoaded] = useState<LoadedRecord>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    fetchHistoryRecord(id, controller.signal).then(
      (record) => {
        setLoaded({ status: 'ready', record });
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
