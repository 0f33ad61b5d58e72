import type {
  DeleteAllHistoryResponse,
  ExportFormat,
  HistoryFilters,
  HistoryPage,
  HistoryRecord,
} from '../../shared/history.schemas';
import { apiRequest } from './api-client';

// Every shape here is the shared schema's (type-only imports: zod stays out of the bundle).
export type {
  ExportFormat,
  HistoryFilters,
  HistoryItem,
  HistoryKind,
  HistoryPage,
  HistoryRecord,
  HistoryStatus,
} from '../../shared/history.schemas';

/** One page of the user's history, newest first; pass `nextCursor` back for the next page. */
export function fetchHistoryPage(
  filters: HistoryFilters,
  options: ListingOptions = {},
): Promise<HistoryPage> {
  return fetchListingPage<HistoryPage>('/history', filters, options);
}

/** The options of a page of a History listing (records or threads). */
export interface ListingOptions {
  cursor?: string | null;
  limit?: number;
  signal?: AbortSignal;
}

/** One page of a History listing at `path`: the filters set, the page size and the cursor. */
export function fetchListingPage<Page>(
  path: string,
  filters: HistoryFilters,
  options: ListingOptions,
): Promise<Page> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (typeof value === 'string' && value !== '') {
      query.set(name, value);
    }
  }
  query.set('limit', String(options.limit ?? 20));
  if (options.cursor) {
    query.set('cursor', options.cursor);
  }
  return apiRequest<Page>('GET', `${path}?${query.toString()}`, {
    sessionRequired: true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** One record in full; a record that is not the user's (or gone) is `ApiError` 404. */
export function fetchHistoryRecord(id: string, signal?: AbortSignal): Promise<HistoryRecord> {
  return apiRequest<HistoryRecord>('GET', `/history/${encodeURIComponent(id)}`, {
    sessionRequired: true,
    ...(signal ? { signal } : {}),
  });
}

/** Deletes one record. */
export async function deleteHistoryRecord(id: string): Promise<void> {
  await apiRequest<undefined>('DELETE', `/history/${encodeURIComponent(id)}`, { sessionRequired: true });
}

/** Deletes every record of the user; resolves to how many there were. */
export async function deleteAllHistory(): Promise<number> {
  const { deleted } = await apiRequest<DeleteAllHistoryResponse>('DELETE', '/history', {
    body: { confirm: true },
    sessionRequired: true,
  });
  return deleted;
}

/**
 * Where the browser downloads the whole history from. A plain link: the
 * session cookie authenticates the GET and the server names the file
 * (Content-Disposition), so nothing is held in memory here.
 */
export function historyExportUrl(format: ExportFormat): string {
  return `/api/history/export?format=${format}`;
}
