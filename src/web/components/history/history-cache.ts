import type { ThreadListItem } from '../../api/threads.api';

/**
 * The History list as the user last saw it (in memory only), so that Back
 * from an item shows the same pages at the same place instead of starting
 * over at page one.
 */
export interface HistoryListSnapshot {
  userId: string;
  /** `filtersKey()` of the filters the pages were loaded with. */
  key: string;
  items: ThreadListItem[];
  nextCursor: string | null;
  /** Where the page was scrolled to when an item was opened. */
  scrollY: number;
  /** The item opened last, focused again on return. */
  openedId: string | null;
}

let snapshot: HistoryListSnapshot | null = null;
let pendingNotice: string | null = null;

/** The saved list for this user and these filters, or null. */
export function readListSnapshot(userId: string, key: string): HistoryListSnapshot | null {
  return snapshot?.userId === userId && snapshot.key === key ? snapshot : null;
}

/** Saves the list as it is on screen. */
export function saveListSnapshot(next: HistoryListSnapshot): void {
  snapshot = next;
}

/** Drops a deleted record from the saved list. */
export function forgetListItem(id: string): void {
  if (snapshot) {
    snapshot = {
      ...snapshot,
      items: snapshot.items.filter((item) => item.id !== id),
      openedId: snapshot.openedId === id ? null : snapshot.openedId,
    };
  }
}

/** Forgets the saved list (everything was deleted, or another user signs in). */
export function clearListSnapshot(): void {
  snapshot = null;
}

/** A message for the list to show once when it appears next (e.g. after a delete on the item's page). */
export function setListNotice(message: string): void {
  pendingNotice = message;
}

/** The pending message (read while rendering: reading it has no side effect). */
export function peekListNotice(): string | null {
  return pendingNotice;
}

/** Forgets the pending message once the list has shown it. */
export function clearListNotice(): void {
  pendingNotice = null;
}
