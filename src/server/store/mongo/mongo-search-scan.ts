import type { Collection, Filter } from 'mongodb';
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

/** The records at or newer than `at` in the listing's order (the window's own records). */
function atOrNewer(at: CursorPosition): Filter<PromptDoc> {
  const createdAt = new Date(at.createdAt);
  return {
    createdAt: { $gte: createdAt },
    $or: [{ createdAt: { $gt: createdAt } }, { createdAt, _id: { $gte: at.id } }],
  };
}

/**
 * The last record of the window (the SCAN_WINDOW-th from the cursor), or
 * null when fewer records are left. Answered from the prompts_user index
 * alone (userId, createdAt, _id): no document is read.
 */
export async function windowEnd(
  prompts: Collection<PromptDoc>,
  userId: string,
  cursor?: string,
): Promise<CursorPosition | null> {
  const user = text(userId, 'userId');
  const filter: Filter<PromptDoc> =
    cursor === undefined ? { userId: user } : { $and: [{ userId: user }, afterCursor(cursor)] };
  const [end] = await atBoundary(() =>
    prompts
      .find(filter, { projection: { _id: 1, createdAt: 1 } })
      .sort(NEWEST_FIRST)
      .skip(SCAN_WINDOW - 1)
      .limit(1)
      .maxTimeMS(QUERY_TIME_LIMIT_MS)
      .toArray(),
  );
  return end ? { createdAt: end.createdAt.getTime(), id: end._id } : null;
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
  const q = query.q.trim();
  if (searchable(q) && (await search.usable())) {
    const until = cursor === undefined ? undefined : new Date(decodeCursor(cursor).createdAt);
    const pipeline = searchCandidatesPipeline(text(userId, 'userId'), q, until);
    const candidates = await atBoundary(() =>
      prompts.aggregate<{ _id: string }>(pipeline, { maxTimeMS: QUERY_TIME_LIMIT_MS }).toArray(),
    );
    if (candidates.length === 0) {
      return { docs: [] };
    }
    if (candidates.length <= SEARCH_CANDIDATE_LIMIT) {
      // Every record holding the text holds all its trigrams: the candidates include every match.
      return { docs: await page({ $and: [{ _id: { $in: candidates.map((c) => c._id) } }, filter] }) };
    }
  }
  try {
    // A scan that ends within the time limit is the whole answer, as exact as SQLite's.
    return { docs: await page(filter) };
  } catch (error) {
    if (!(error instanceof StoreTimeoutError)) {
      throw error;
    }
  }
  // Stopped at the time limit: answer from the window, and say so. Fewer records than the window left
  // (a slow server, not a long history) is the 503 it was.
  const end = await windowEnd(prompts, userId, cursor);
  if (!end) {
    throw new StoreTimeoutError();
  }
  const docs = await page({ $and: [filter, atOrNewer(end)] });
  return docs.length > n ? { docs } : { docs, limitedAt: end };
}
