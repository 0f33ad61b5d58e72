import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { NavigationType, useNavigationType } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import { deleteAllHistory, type HistoryFilters } from '../api/history.api';
import { fetchThreadsPage } from '../api/threads.api';
import { clearListSnapshot, readListSnapshot, saveListSnapshot } from '../components/history/history-cache';
import { appendPage, firstPage, type LoadedPages } from '../components/history/history-pages';
import { filtersKey, toApiFilters } from '../components/history/history-format';

const PAGE_SIZE = 20;

/** The list as loaded for one set of filters. */
export interface HistoryListState extends LoadedPages {
  key: string;
  loading: boolean;
  error: ApiError | null;
}

/** Any failure as an ApiError (a network failure becomes the generic message). */
export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError({ status: 0, code: 'internal', message: MESSAGES.internal });
}

/**
 * The History list of threads for `filters`: the first page (aborted when the filters
 * change again), "Load more" pages, "Delete all", and Back from an item
 * restoring the same pages at the same scroll place with focus on the item.
 * `skip` (an invalid date range) fetches nothing.
 */
export function useHistoryList(userId: string, filters: HistoryFilters, skip: boolean) {
  const key = filtersKey(filters);
  const navigationType = useNavigationType();
  const [restored] = useState(() =>
    navigationType === NavigationType.Pop ? readListSnapshot(userId, key) : null,
  );
  const [list, setList] = useState<HistoryListState>(() =>
    restored
      ? {
          key,
          items: restored.items,
          nextCursor: restored.nextCursor,
          searchLimited: false,
          loading: false,
          error: null,
        }
      : { key, items: null, nextCursor: null, searchLimited: false, loading: true, error: null },
  );
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [firstNewId, setFirstNewId] = useState<string | null>(null);
  const skipFirstFetch = useRef(restored !== null);
  const firstNewRef = useRef<HTMLAnchorElement>(null);

  // New filters: keep the old items on screen (no flash) until the new ones arrive.
  if (list.key !== key) {
    setList({ ...list, key, loading: true, error: null });
    setMoreError(null);
  }

  useEffect(() => {
    if (skipFirstFetch.current) {
      skipFirstFetch.current = false;
      return;
    }
    if (skip) {
      return;
    }
    const controller = new AbortController();
    fetchThreadsPage(toApiFilters(filters), { limit: PAGE_SIZE, signal: controller.signal }).then(
      (page) => {
        setList({ key, ...firstPage(page), loading: false, error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        setList((current) => ({ ...current, loading: false, error: asApiError(error) }));
      },
    );
    return () => {
      controller.abort();
    };
  }, [key, filters, skip, attempt]);

  // Back from an item: the same place, and focus on the item that was open.
  useLayoutEffect(() => {
    if (restored) {
      window.scrollTo(0, restored.scrollY);
    }
  }, [restored]);
  useEffect(() => {
    if (restored?.openedId) {
      document
        .querySelector<HTMLElement>(`.history-item__link[data-id="${CSS.escape(restored.openedId)}"]`)
        ?.focus({ preventScroll: true });
    }
  }, [restored]);

  useEffect(() => {
    if (firstNewId) {
      firstNewRef.current?.focus();
    }
  }, [firstNewId]);

  // Stable: the filters' onChange depends on it.
  const resetFirstNew = useCallback(() => {
    setFirstNewId(null);
  }, []);

  const loadMore = async () => {
    if (!list.nextCursor || loadingMore) {
      return;
    }
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await fetchThreadsPage(toApiFilters(filters), {
        limit: PAGE_SIZE,
        cursor: list.nextCursor,
      });
      setList((current) => {
        if (current.key !== key) {
          return current;
        }
        return { ...current, ...appendPage(current, page) };
      });
      setFirstNewId(page.items[0]?.id ?? null);
    } catch (error) {
      setMoreError(asApiError(error).message);
    } finally {
      setLoadingMore(false);
    }
  };

  return {
    key,
    list,
    loadingMore,
    moreError,
    /** The first item of the page loaded last, focused when it arrives. */
    firstNewId,
    firstNewRef,
    /** Forgets which item was loaded last (new filters). */
    resetFirstNew,
    retry: () => {
      setList({ ...list, loading: true, error: null });
      setAttempt((n) => n + 1);
    },
    loadMore,
    /** Deletes every record; resolves to how many were deleted (throws an ApiError). */
    deleteAll: async (): Promise<number> => {
      const deleted = await deleteAllHistory().catch((error: unknown) => {
        throw asApiError(error);
      });
      clearListSnapshot();
      setList({ key, items: [], nextCursor: null, searchLimited: false, loading: false, error: null });
      return deleted;
    },
    /** Remembers the list and the scroll place before an item opens, for Back. */
    rememberPlace: (openedId: string) => {
      saveListSnapshot({
        userId,
        key,
        items: list.items ?? [],
        nextCursor: list.nextCursor,
        scrollY: window.scrollY,
        openedId,
      });
    },
  };
}
