import { keepAnswer } from '../kept-answer.js';

/**
 * The first page of each user's unfiltered history, kept while the store's
 * listing revision for that user (`prompts.listingRevision`) is unchanged.
 * Opening History reads that page every time; with this cache it costs one
 * primary-key read instead of a 21-row query and the mapping of 20 items
 * (issue 13, `npm run bench`). Correct across instances: the revision lives
 * in the store, and any write to the user's records changes it. Bounded: past
 * `max` users the least recently used is dropped (a deleted account's page
 * waits there until then, never served: no session can act for it).
 */
export class FirstPageCache<Page extends object> {
  private readonly entries = new Map<string, { revision: number; limit: number; page: Page }>();

  constructor(private readonly max = 1_000) {}

  /** The page cached at this revision and page size, if any. */
  get(userId: string, revision: number, limit: number): Page | undefined {
    const entry = this.entries.get(userId);
    if (entry?.revision !== revision || entry.limit !== limit) {
      return undefined;
    }
    // Map keeps insertion order: re-inserting marks the user most recently used.
    this.entries.delete(userId);
    this.entries.set(userId, entry);
    return entry.page;
  }

  /**
   * Keeps `page`, read after the store reported `revision`: a write between
   * the two only makes the page newer than its revision, and the next
   * request, seeing the new revision, reads again.
   */
  set(userId: string, revision: number, limit: number, page: Page): void {
    this.entries.delete(userId);
    // Kept: frozen, and its JSON written once (see keepAnswer).
    this.entries.set(userId, { revision, limit, page: keepAnswer(page) });
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) {
        this.entries.delete(oldest.value);
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
