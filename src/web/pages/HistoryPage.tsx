import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, NavigationType, useNavigationType, useSearchParams } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import {
  deleteAllHistory,
  fetchHistoryPage,
  historyExportUrl,
  type HistoryFilters as Filters,
  type HistoryItem,
} from '../api/history.api';
import { useAuth } from '../auth/auth.context';
import { StatusRegion } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import { ConfirmDialog } from '../components/history/ConfirmDialog';
import { HistoryFilters } from '../components/history/HistoryFilters';
import { HistoryList } from '../components/history/HistoryList';
import {
  clearListSnapshot,
  clearListNotice,
  peekListNotice,
  readListSnapshot,
  saveListSnapshot,
} from '../components/history/history-cache';
import { countFilters, filtersKey, readFilters, toApiFilters } from '../components/history/history-format';
import '../components/history/history.css';
import { useModels } from '../generation/models.store';

const PAGE_SIZE = 20;
const RANGE_ERROR = 'The end date must be on or after the start date.';

/** The list as loaded for one set of filters. */
interface ListState {
  key: string;
  /** null until the first page for these filters arrived. */
  items: HistoryItem[] | null;
  nextCursor: string | null;
  loading: boolean;
  error: ApiError | null;
}

/**
 * Everything the user asked, newest first: search as you type, filters kept
 * in the URL (so Back and shared links keep them), "Load more" pages, export
 * and "Delete all". Back from an item shows the same pages at the same place.
 */
export function HistoryPage() {
  const { user } = useAuth();
  const userId = user?.id ?? '';
  const navigationType = useNavigationType();
  const [searchParams, setSearchParams] = useSearchParams();
  const paramsText = searchParams.toString();
  const filters = useMemo(() => readFilters(new URLSearchParams(paramsText)), [paramsText]);
  const key = filtersKey(filters);
  const rangeError = filters.from && filters.to && filters.from > filters.to ? RANGE_ERROR : undefined;
  const { models } = useModels();

  const [restored] = useState(() =>
    navigationType === NavigationType.Pop ? readListSnapshot(userId, key) : null,
  );
  const [list, setList] = useState<ListState>(() =>
    restored
      ? { key, items: restored.items, nextCursor: restored.nextCursor, loading: false, error: null }
      : { key, items: null, nextCursor: null, loading: true, error: null },
  );
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [firstNewId, setFirstNewId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(peekListNotice);
  const [confirmAll, setConfirmAll] = useState(false);
  const [deletingAll, setDeletingAll] = useState(false);
  const [deleteAllError, setDeleteAllError] = useState<string | null>(null);
  const skipFirstFetch = useRef(restored !== null);
  const firstNewRef = useRef<HTMLAnchorElement>(null);

  // New filters: keep the old items on screen (no flash) until the new ones arrive.
  if (list.key !== key) {
    setList({ ...list, key, loading: true, error: null });
    setMoreError(null);
  }

  useEffect(() => {
    clearListNotice();
  }, []);

  useEffect(() => {
    if (skipFirstFetch.current) {
      skipFirstFetch.current = false;
      return;
    }
    if (rangeError) {
      return;
    }
    const controller = new AbortController();
    fetchHistoryPage(toApiFilters(filters), { limit: PAGE_SIZE, signal: controller.signal }).then(
      (page) => {
        setList({ key, items: page.items, nextCursor: page.nextCursor, loading: false, error: null });
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
  }, [key, filters, rangeError, attempt]);

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

  const applyFilters = useCallback(
    (next: Filters) => {
      setNotice(null);
      setFirstNewId(null);
      setSearchParams(toSearchParams(next), { replace: true });
    },
    [setSearchParams],
  );

  const loadMore = async () => {
    if (!list.nextCursor || loadingMore) {
      return;
    }
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await fetchHistoryPage(toApiFilters(filters), {
        limit: PAGE_SIZE,
        cursor: list.nextCursor,
      });
      setList((current) => {
        if (current.key !== key) {
          return current;
        }
        const known = new Set((current.items ?? []).map((item) => item.id));
        const fresh = page.items.filter((item) => !known.has(item.id));
        return { ...current, items: [...(current.items ?? []), ...fresh], nextCursor: page.nextCursor };
      });
      setFirstNewId(page.items[0]?.id ?? null);
    } catch (error) {
      setMoreError(asApiError(error).message);
    } finally {
      setLoadingMore(false);
    }
  };

  const deleteAll = async () => {
    setDeletingAll(true);
    setDeleteAllError(null);
    try {
      const deleted = await deleteAllHistory();
      clearListSnapshot();
      setList({ key, items: [], nextCursor: null, loading: false, error: null });
      setConfirmAll(false);
      setNotice(
        deleted === 1 ? 'Deleted 1 item from your history.' : `Deleted ${deleted} items from your history.`,
      );
    } catch (error) {
      setDeleteAllError(asApiError(error).message);
    } finally {
      setDeletingAll(false);
    }
  };

  const items = list.items ?? [];
  const filtered = countFilters(filters) > 0 || filters.q !== undefined;
  // Known to be empty: no need for export or "Delete all".
  const nothingAtAll = !filtered && list.items !== null && items.length === 0 && !list.loading;
  const dateError = rangeError ?? list.error?.fields['to'] ?? list.error?.fields['from'];
  const listError = list.error && !dateError ? list.error.message : null;

  return (
    <div className="history-page">
      <div className="history-page__header">
        <PageHeading>History</PageHeading>
        <p className="history-page__lead">
          Everything you generated and explained. Open an item to copy, explain or run it again.
        </p>
        {nothingAtAll ? null : (
          <div className="history-page__actions">
            <a className="btn btn--secondary" href={historyExportUrl('json')} download>
              Export JSON
            </a>
            <a className="btn btn--secondary" href={historyExportUrl('markdown')} download>
              Export Markdown
            </a>
          </div>
        )}
      </div>

      <StatusRegion message={notice} tone="success" />

      <HistoryFilters filters={filters} onChange={applyFilters} models={models} dateError={dateError} />

      {rangeError ? null : (
        <section
          className="history-results"
          aria-labelledby="history-results-heading"
          aria-busy={list.loading}
        >
          <h2 id="history-results-heading" className="visually-hidden">
            Results
          </h2>
          <p role="status" className="history-results__summary">
            {summary(list, items.length, filtered)}
          </p>

          {listError ? (
            <div role="alert" className="alert alert--error history-results__error">
              <p>Your history could not be loaded. {listError}</p>
              <button
                type="button"
                className="btn btn--secondary"
                onClick={() => {
                  setList({ ...list, loading: true, error: null });
                  setAttempt((n) => n + 1);
                }}
              >
                Try again
              </button>
            </div>
          ) : null}

          {list.items !== null && items.length === 0 && !list.loading && !list.error ? (
            filtered ? (
              <div className="history-empty">
                <p>
                  {filters.q
                    ? `Nothing in your history matches “${filters.q}”`
                    : 'Nothing matches these filters'}
                  {filters.q && countFilters(filters) > 0 ? ' with these filters.' : '.'}
                </p>
                <button
                  type="button"
                  className="btn btn--secondary"
                  onClick={() => {
                    applyFilters({});
                  }}
                >
                  Clear search and filters
                </button>
              </div>
            ) : (
              <div className="history-empty">
                <p>
                  Your history is empty. Everything you generate or explain is saved here, so you can find it
                  again.
                </p>
                <p className="history-empty__links">
                  <Link to="/" className="btn btn--primary">
                    Generate code
                  </Link>
                  <Link to="/explain" className="btn btn--secondary">
                    Explain code
                  </Link>
                </p>
              </div>
            )
          ) : null}

          {items.length > 0 ? (
            <div className={list.loading ? 'history-results__list history-results__list--stale' : undefined}>
              <HistoryList
                items={items}
                models={models}
                firstNewId={firstNewId}
                firstNewRef={firstNewRef}
                onOpen={(id) => {
                  saveListSnapshot({
                    userId,
                    key,
                    items,
                    nextCursor: list.nextCursor,
                    scrollY: window.scrollY,
                    openedId: id,
                  });
                }}
              />
            </div>
          ) : null}

          {list.nextCursor && !list.loading ? (
            <div className="history-more">
              {moreError ? (
                <p role="alert" className="history-more__error">
                  More items could not be loaded. {moreError}
                </p>
              ) : null}
              <button
                type="button"
                className="btn btn--secondary"
                onClick={() => void loadMore()}
                disabled={loadingMore}
              >
                {loadingMore ? <span className="spinner spinner--inline" aria-hidden="true" /> : null}
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </div>
          ) : null}
        </section>
      )}

      {nothingAtAll ? null : (
        <section className="history-danger" aria-labelledby="history-danger-heading">
          <h2 id="history-danger-heading" className="history-danger__title">
            Delete all history
          </h2>
          <p>Deletes every prompt, piece of code and answer you saved. Your account stays.</p>
          <button
            type="button"
            className="btn btn--danger"
            onClick={() => {
              setDeleteAllError(null);
              setConfirmAll(true);
            }}
          >
            Delete all history
          </button>
        </section>
      )}

      <ConfirmDialog
        open={confirmAll}
        title="Delete all of your history?"
        confirmLabel="Delete all history"
        busy={deletingAll}
        error={deleteAllError}
        onConfirm={() => void deleteAll()}
        onCancel={() => {
          setConfirmAll(false);
        }}
      >
        <p>
          Every prompt, piece of code and answer you saved will be deleted for good. This cannot be undone.
          Export your history first if you want to keep a copy.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function summary(list: ListState, count: number, filtered: boolean): string {
  if (list.loading) {
    return list.items === null ? 'Loading your history…' : 'Searching…';
  }
  if (list.error || list.items === null || count === 0) {
    return filtered && list.items !== null && !list.error ? 'No items found.' : '';
  }
  const shown = count === 1 ? '1 item' : `${count} items`;
  return list.nextCursor ? `Showing ${shown}; there are more.` : `Showing ${shown}.`;
}

function toSearchParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (typeof value === 'string' && value !== '') {
      params.set(name, value);
    }
  }
  return params;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError({ status: 0, code: 'internal', message: MESSAGES.internal });
}
