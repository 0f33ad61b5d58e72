import type { HistoryFilters } from '../../shared/history.schemas';
import type { Thread, ThreadPage } from '../../shared/threads.schemas';
import { apiRequest } from './api-client';
import { fetchListingPage, type ListingOptions } from './history.api';

// Every shape here is the shared schema's (type-only imports: zod stays out of the bundle).
export type { Thread, ThreadListItem, ThreadPage, ThreadTurn } from '../../shared/threads.schemas';

/** A thread with every turn and every version, oldest first; another user's (or gone) is `ApiError` 404. */
export function fetchThread(id: string, signal?: AbortSignal): Promise<Thread> {
  return apiRequest<Thread>('GET', `/threads/${encodeURIComponent(id)}`, {
    sessionRequired: true,
    ...(signal ? { signal } : {}),
  });
}

/** Deletes a thread and all its turns. */
export async function deleteThread(id: string): Promise<void> {
  await apiRequest<undefined>('DELETE', `/threads/${encodeURIComponent(id)}`, { sessionRequired: true });
}

/** One page of the user's threads, most recently updated first; pass `nextCursor` back for the next. */
export function fetchThreadsPage(filters: HistoryFilters, options: ListingOptions = {}): Promise<ThreadPage> {
  return fetchListingPage<ThreadPage>('/threads', filters, options);
}
