import { useCallback, useEffect, useState } from 'react';
import { asApiError } from './useHistoryList';

/**
 * Data `load` fetches when the component mounts (aborted if it goes first):
 * `value` is null until it arrives, `error` the last failure's message.
 * `reload()` fetches it again and keeps showing the old value meanwhile.
 * `load` must be a stable function (a module's export).
 */
export function useFetched<T>(load: (signal?: AbortSignal) => Promise<T>): {
  value: T | null;
  error: string | null;
  reload: (signal?: AbortSignal) => Promise<void>;
} {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(
    (signal?: AbortSignal): Promise<void> =>
      load(signal).then(
        (data) => {
          setValue(data);
          setError(null);
        },
        (failure: unknown) => {
          if (!signal?.aborted) {
            setError(asApiError(failure).message);
          }
        },
      ),
    [load],
  );

  useEffect(() => {
    const controller = new AbortController();
    void reload(controller.signal);
    return () => {
      controller.abort();
    };
  }, [reload]);

  return { value, error, reload };
}
