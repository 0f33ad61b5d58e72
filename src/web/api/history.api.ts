import type { HistoryItem, HistoryPage, HistoryRecord } from '../../shared/history.schemas';
import { apiRequest } from './api-client';

export type { HistoryItem, HistoryPage, HistoryRecord };

/** What a history record was: code written from a prompt, or code explained. */
export type HistoryKind = HistoryItem['kind'];

/** Where a record stands; `cancelled` is a run the user stopped. */
export type HistoryStatus = HistoryItem['status'];

/** The list's search and filters, as the API takes them; empty ones are left out. */
export interface HistoryFilters {
  /** Searches the prompt, the code and the answer. */
  q?: string;
  modelId?: string;
  kind?: HistoryKind;
  language?: string;
  status?: HistoryStatus;
  /** ISO date (`2026-05-01`): records from the start of that day. */
  from?: string;
  /** ISO date: records up to the end of that day. */
  to?: string;
}

/** Formats of the history export. */
export type ExportFormat = 'json' | 'markdown';

/** One page of the user's history, newest first; pass `nextCursor` back for the next page. */
export function fetchHistoryPage(
  filters: HistoryFilters,
  options: { cursor?: string | null; limit?: number; signal?: AbortSignal } = {},
): Promise<HistoryPage> {
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
  return apiRequest<HistoryPage>('GET', `/history?${query.toString()}`, {
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
  const { deleted } = await apiRequest<{ deleted: number }>('DELETE', '/history', {
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
