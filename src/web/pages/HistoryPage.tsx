import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { historyExportUrl, type HistoryFilters as Filters } from '../api/history.api';
import { useAuth } from '../auth/auth.context';
import { StatusRegion } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import { ConfirmDialog } from '../components/history/ConfirmDialog';
import { HistoryEmpty, LoadMore } from '../components/history/HistoryEmpty';
import { HistoryFilters } from '../components/history/HistoryFilters';
import { HistoryList } from '../components/history/HistoryList';
import { SearchLimitedNotice } from '../components/history/SearchLimitedNotice';
import { clearListNotice, peekListNotice } from '../components/history/history-cache';
import { countFilters, readFilters } from '../components/history/history-format';
import { useModels } from '../stores/models.store';
import { useConfirm } from '../hooks/useConfirm';
import { useHistoryList, type HistoryListState } from '../hooks/useHistoryList';

const RANGE_ERROR = 'The end date must be on or after the start date.';

/**
 * Everything the user asked, newest first: search as you type, filters kept
 * in the URL (so Back and shared links keep them), "Load more" pages, export
 * and "Delete all". Back from an item shows the same pages at the same place.
 */
export function HistoryPage() {
  const { user } = useAuth();
  const [searchParams, setSearchParams] = useSearchParams();
  const paramsText = searchParams.toString();
  const filters = useMemo(() => readFilters(new URLSearchParams(paramsText)), [paramsText]);
  const rangeError = filters.from && filters.to && filters.from > filters.to ? RANGE_ERROR : undefined;
  const { models } = useModels();
  const history = useHistoryList(user?.id ?? '', filters, rangeError !== undefined);
  const { list, resetFirstNew } = history;
  const [notice, setNotice] = useState<string | null>(peekListNotice);
  const deleteAll = useConfirm(async () => {
    const deleted = await history.deleteAll();
    setNotice(
      deleted === 1 ? 'Deleted 1 item from your history.' : `Deleted ${deleted} items from your history.`,
    );
  });

  useEffect(() => {
    clearListNotice();
  }, []);

  const applyFilters = useCallback(
    (next: Filters) => {
      setNotice(null);
      resetFirstNew();
      setSearchParams(toSearchParams(next), { replace: true });
    },
    [setSearchParams, resetFirstNew],
  );

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
          <SearchLimitedNotice limited={list.searchLimited && !list.loading} />

          {listError ? (
            <div role="alert" className="alert alert--error history-results__error">
              <p>Your history could not be loaded. {listError}</p>
              <button type="button" className="btn btn--secondary" onClick={history.retry}>
                Try again
              </button>
            </div>
          ) : null}

          {list.items !== null && items.length === 0 && !list.loading && !list.error ? (
            <HistoryEmpty
              filters={filtered ? filters : null}
              onClear={() => {
                applyFilters({});
              }}
            />
          ) : null}

          {items.length > 0 ? (
            <div className={list.loading ? 'history-results__list history-results__list--stale' : undefined}>
              <HistoryList
                items={items}
                models={models}
                firstNewId={history.firstNewId}
                firstNewRef={history.firstNewRef}
                onOpen={history.rememberPlace}
              />
            </div>
          ) : null}

          {list.nextCursor && !list.loading ? (
            <LoadMore
              loading={history.loadingMore}
              error={history.moreError}
              onLoad={() => void history.loadMore()}
            />
          ) : null}
        </section>
      )}

      {nothingAtAll ? null : (
        <section className="history-danger" aria-labelledby="history-danger-heading">
          <h2 id="history-danger-heading" className="history-danger__title">
            Delete all history
          </h2>
          <p>Deletes every prompt, piece of code and answer you saved. Your account stays.</p>
          <button type="button" className="btn btn--danger" onClick={deleteAll.ask}>
            Delete all history
          </button>
        </section>
      )}

      <ConfirmDialog
        {...deleteAll.dialog}
        title="Delete all of your history?"
        confirmLabel="Delete all history"
      >
        <p>
          Every prompt, piece of code and answer you saved will be deleted for good. This cannot be undone.
          Export your history first if you want to keep a copy.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function summary(list: HistoryListState, count: number, filtered: boolean): string {
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
