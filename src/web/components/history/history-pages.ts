import type { ThreadListItem, ThreadPage } from '../../api/threads.api';

/** The History list as loaded so far for one set of filters. */
export interface LoadedPages {
  /** The threads; null until the first page for these filters arrived. */
  items: ThreadListItem[] | null;
  nextCursor: string | null;
  /**
   * The page loaded last said its search stopped early (MongoDB without
   * Atlas Search: it looked at the newest records only); "Load more"
   * searches on below them.
   */
  searchLimited: boolean;
}

/** The first page for new filters. */
export function firstPage(page: ThreadPage): LoadedPages {
  return { items: page.items, nextCursor: page.nextCursor, searchLimited: page.searchLimited === true };
}

/**
 * `page` ("Load more") after what is loaded: threads already shown are not
 * repeated (one updated since moves up, not in twice), and whether the
 * search was limited is what the new page says.
 */
export function appendPage(current: LoadedPages, page: ThreadPage): LoadedPages {
  const known = new Set((current.items ?? []).map((item) => item.id));
  const fresh = page.items.filter((item) => !known.has(item.id));
  return {
    items: [...(current.items ?? []), ...fresh],
    nextCursor: page.nextCursor,
    searchLimited: page.searchLimited === true,
  };
}
