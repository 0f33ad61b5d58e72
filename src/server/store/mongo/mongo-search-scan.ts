import type { Collection, Document, Filter } from 'mongodb';
import type { CursorPosition } from '../cursor.js';
import { decodeCursor } from '../cursor.js';
import type { PromptQuery } from '../store.port.js';
import { StoreTimeoutError } from '../../errors.js';
import { atBoundary } from './mongo-errors.js';
import { afterCursor, limitValue, NEWEST_FIRST, promptListFilter, text } from './mongo-filters.js';
import {
  PromptSearch,
  SEARCH_CANDIDATE_LIMIT,
  searchable,
  searchCandidatesPipeline,
} from './mongo-search.js';
import { QUERY_TIME_LIMIT_MS } from './mongo-time-limit.js';
import type { SUMMARY_PROJECTION, PromptDoc } from './mongo.mapping.js';

/**
 * Without Atlas Search, a search first scans the user's records with the
 * time limit (QUERY_TIME_LIMIT_MS): finished in time, it is complete. Cut
 * short, it is asked again over this many of the user's newest records from
 * the cursor on (about 6 MB at the 3 KB a record averages): the page is
 * complete if it fills inside the window; if not, the answer is what was
 * found, a cursor to continue below the window, and `searchLimited`.
 */
export const SCAN_WINDOW = 2_000;

/** A search's documents, and where the window stopped when it stopped the search. */
export interface SearchedDocs {
  docs: PromptDoc[];
  /** Set when the window ended before the page was full: the last record it read. */
  limitedAt?: CursorPosition;
}

type Projection = { projection?: typeof SUMMARY_PROJECTION };

/** What a listing is ordered by (newest first, ties by _id): prompts by creation, threads by last update. */
export type OrderedBy = 'createdAt' | 'updatedAt';

/** The records at or newer than `at` in the listing's order (the window's own records). */
export function atOrNewer(field: OrderedBy, at: CursorPosition): Document {
  const time = new Date(at.createdAt);
  return {
    [field]: { $gte: time },
    $or: [{ [field]: { $gt: time } }, { [field]: time, _id: { $gte: at.id } }],
  };
}

/**
 * The last record of the window (the SCAN_WINDOW-th from the cursor, in
 * `filter`: the user and the cursor only), or null when fewer are left.
 * Answered from the listing's index alone (prompts_user, threads_user): no
 * document is read.
 */
export async function windowEnd<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  field: OrderedBy,
): Promise<CursorPosition | null> {
  const [end] = await atBoundary(() =>
    collection
      .find(filter, { projection: { _id: 1, [field]: 1 } })
      .sort({ [field]: -1, _id: -1 })
      .skip(SCAN_WINDOW - 1)
      .limit(1)
      .maxTimeMS(QUERY_TIME_LIMIT_MS)
      .toArray(),
  );
  const at: unknown = end?.[field];
  return end && at instanceof Date ? { createdAt: at.getTime(), id: String(end._id) } : null;
}

/**
 * A search without Atlas Search: `run` with no bound, time-limited; cut
 * short by the time limit, `run` again bounded to the window (`end` finds
 * its last record). A window that fills the page (`n` and one more) is a
 * complete page; else the answer is limited at the window's end.
 */
export async function scanWithinTime<D>(
  run: (bound?: Document) => Promise<D[]>,
  end: () => Promise<CursorPosition | null>,
  n: number,
  field: OrderedBy,
): Promise<{ docs: D[]; limitedAt?: CursorPosition }> {
  try {
    // A scan that ends within the time limit is the whole answer, as exact as SQLite's.
    return { docs: await run() };
  } catch (error) {
    if (!(error instanceof StoreTimeoutError)) {
      throw error;
    }
  }
  // Fewer records than the window left (a slow server, not a long history): the 503 it was.
  const at = await end();
  if (!at) {
    throw new StoreTimeoutError();
  }
  const docs = await run(atOrNewer(field, at));
  return docs.length > n ? { docs } : { docs, limitedAt: at };
}

/** A record holding every trigram of a search text, from Atlas Search. */
export interface Candidate {
  _id: string;
  threadId?: string;
}

/**
 * The user's records holding every trigram of `q` (created at or before
 * the cursor's time when `cursor` is a prompts cursor), from Atlas Search;
 * null when the index cannot answer: not usable on this server (yet), a
 * text shorter than a trigram, or more than SEARCH_CANDIDATE_LIMIT
 * candidates (a text that common is for the scan, which finds it quickly).
 */
export async function searchCandidates(
  prompts: Collection<PromptDoc>,
  search: PromptSearch,
  userId: string,
  q: string,
  cursor?: string,
): Promise<Candidate[] | null> {
  const trimmed = q.trim();
  if (!searchable(trimmed) || !(await search.usable())) {
    return null;
  }
  const until = cursor === undefined ? undefined : new Date(decodeCursor(cursor).createdAt);
  const pipeline = searchCandidatesPipeline(text(userId, 'userId'), trimmed, until);
  const candidates = await atBoundary(() =>
    prompts.aggregate<Candidate>(pipeline, { maxTimeMS: QUERY_TIME_LIMIT_MS }).toArray(),
  );
  return candidates.length <= SEARCH_CANDIDATE_LIMIT ? candidates : null;
}

/**
 * One page of a search (`query.q` not blank): from the Atlas Search
 * candidates, re-checked by the listing's own filter, when the index is
 * usable and the text is rare enough; else from the bounded window.
 */
export async function searchedDocs(
  prompts: Collection<PromptDoc>,
  search: PromptSearch,
  options: Projection,
  ...[userId, query, limit, cursor]: [string, PromptQuery & { q: string }, number, string?]
): Promise<SearchedDocs> {
  const filter = promptListFilter(userId, query, cursor);
  const n = limitValue(limit);
  const page = (bounded: Filter<PromptDoc>) =>
    atBoundary(() =>
      prompts
        .find(bounded, options)
        .sort(NEWEST_FIRST)
        .limit(n + 1)
        .maxTimeMS(QUERY_TIME_LIMIT_MS)
        .toArray(),
    );
  const candidates = await searchCandidates(prompts, search, userId, query.q, cursor);
  if (candidates) {
    // Every record holding the text holds all its trigrams: the candidates include every match.
    const ids = candidates.map((c) => c._id);
    return { docs: ids.length === 0 ? [] : await page({ $and: [{ _id: { $in: ids } }, filter] }) };
  }
  const user = text(userId, 'userId');
  const mine: Filter<PromptDoc> =
    cursor === undefined ? { userId: user } : { $and: [{ userId: user }, afterCursor(cursor)] };
  return scanWithinTime(
    (bound) => page(bound ? { $and: [filter, bound] } : filter),
    () => windowEnd(prompts, mine, 'createdAt'),
    n,
    'createdAt',
  );
}
