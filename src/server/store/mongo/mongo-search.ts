import { MongoServerError, type Collection, type Document } from 'mongodb';
import type { Logger } from '../../logger.js';
import type { PromptDoc } from './mongo.mapping.js';

/**
 * History search on Atlas (issue 16 item 1): an Atlas Search index of
 * lower-cased trigrams over input, output and code, filtered by userId,
 * gives the candidate records of a search; the escaped substring match of
 * promptListFilter re-checks them, so the answer is exactly SQLite's. The
 * app creates the index at start-up where the server supports it; on any
 * other server (or before the index is queryable) search scans a bounded
 * window of records (mongo-search-scan.ts).
 */

/** The Atlas Search index's name on `prompts`. */
export const SEARCH_INDEX_NAME = 'prompts_text';

const TRIGRAM = 'codegenie_trigram';
const trigramField = { type: 'string', analyzer: TRIGRAM, searchAnalyzer: TRIGRAM } as const;

/**
 * The index definition, as created by the app and documented in the README
 * (an operator whose database user may not create search indexes creates it
 * by hand with exactly this JSON). Trigrams, like SQLite's trigram
 * tokenizer: any substring of 3 or more characters has all its trigrams in
 * a matching record. Static mappings: only these fields are indexed.
 */
export const SEARCH_INDEX_DEFINITION = {
  analyzers: [
    {
      name: TRIGRAM,
      tokenizer: { type: 'nGram', minGram: 3, maxGram: 3 },
      tokenFilters: [{ type: 'lowercase' }],
    },
  ],
  mappings: {
    dynamic: false,
    fields: {
      userId: { type: 'token' },
      createdAt: { type: 'date' },
      input: trigramField,
      output: trigramField,
      code: trigramField,
    },
  },
} as const;

/**
 * The most candidates a search takes from the index. A rarer text than this
 * is answered from the candidates alone; a text this common is found in the
 * newest records anyway, so the bounded scan answers it quickly.
 */
export const SEARCH_CANDIDATE_LIMIT = 500;

/** The shortest search text the index can answer: one trigram. */
const MIN_SEARCH_CHARS = 3;

/**
 * The $search pipeline giving the candidate ids of the user's records whose
 * input, output or code hold every trigram of `q`, created at or before
 * `until` (the cursor's time), one more than the limit (to tell it was hit).
 */
export function searchCandidatesPipeline(userId: string, q: string, until?: Date): Document[] {
  const filter: Document[] = [{ equals: { path: 'userId', value: userId } }];
  if (until) {
    filter.push({ range: { path: 'createdAt', lte: until } });
  }
  return [
    {
      $search: {
        index: SEARCH_INDEX_NAME,
        compound: {
          filter,
          must: [{ text: { query: q, path: ['input', 'output', 'code'], matchCriteria: 'all' } }],
        },
      },
    },
    { $limit: SEARCH_CANDIDATE_LIMIT + 1 },
    // The thread too: the History page lists threads with a matching turn.
    { $project: { _id: 1, threadId: 1 } },
  ];
}

/** Whether the index can answer `q` at all (a text shorter than a trigram has none). */
export function searchable(q: string): boolean {
  // Code points, as the tokenizer counts them: an emoji is one character of a trigram.
  return Array.from(q).length >= MIN_SEARCH_CHARS;
}

/**
 * Whether a server error says the server has no Atlas Search (a self-hosted
 * mongod): 31082 on 8.0 (SearchNotEnabled), 6047401 and 115 on 7.0, and
 * "no such command" (59) or an unrecognised stage (40324) before. The codes
 * are those the MongoDB PHP library's SearchNotSupportedException checks.
 */
export function isSearchNotSupported(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) {
    return false;
  }
  const { code, message } = error;
  if (code === 31082 || code === 6047401 || code === 115) {
    return true;
  }
  if (code === 59) {
    return /createSearchIndexes/.test(message);
  }
  return code === 40324 && /\$listSearchIndexes|\$search/.test(message);
}

/** An entry of $listSearchIndexes: Atlas answers `queryable: true` once the index can answer $search. */
function isQueryable(index: Document): boolean {
  return index.queryable === true;
}

/** Where history search stands on this server. */
export type SearchMode =
  /** The index answers: $search, then the re-check. */
  | 'search'
  /** The index exists (or was just created) but is not queryable yet: the bounded scan, re-checking now and then. */
  | 'pending'
  /** No Atlas Search on this server, or the app may not use it: the bounded scan. */
  | 'scan';

/** How often a pending index is asked whether it is queryable yet. */
export const PENDING_RECHECK_MS = 60_000;

/** The mode of the prompts collection's search, found once at start-up and re-checked while pending. */
export class PromptSearch {
  private state: SearchMode = 'scan';
  private checkedAt = 0;

  constructor(
    private readonly prompts: Collection<PromptDoc>,
    private readonly now: () => number = Date.now,
  ) {}

  get mode(): SearchMode {
    return this.state;
  }

  /**
   * At start-up: creates the index and remembers the mode. A server without
   * Atlas Search is logged and left to the scan. Any other refusal (the
   * index exists already, or the database user may not create search
   * indexes) is followed by one look at the existing indexes; without a
   * usable one, a warning says how to create it by hand. Search is never a
   * reason not to start; network failures are thrown as from any other
   * start-up step.
   */
  async prepare(where: string, step: (operation: string) => void, log?: Logger): Promise<void> {
    const fields = { mongo: where, index: SEARCH_INDEX_NAME };
    try {
      step(`createSearchIndexes on ${this.prompts.collectionName}`);
      await this.prompts.createSearchIndex({
        name: SEARCH_INDEX_NAME,
        type: 'search',
        definition: SEARCH_INDEX_DEFINITION,
      });
      this.pending();
      log?.info(fields, 'MongoDB: Atlas Search index created; history search scans until it is queryable');
      return;
    } catch (error) {
      if (!(error instanceof MongoServerError)) {
        throw error;
      }
      if (isSearchNotSupported(error)) {
        this.state = 'scan';
        log?.info(
          { ...fields, code: error.code },
          'MongoDB: no Atlas Search on this server; history search scans with a time limit (README: MongoDB)',
        );
        return;
      }
      step(`$listSearchIndexes on ${this.prompts.collectionName}`);
      const found = await this.prompts
        .listSearchIndexes(SEARCH_INDEX_NAME)
        .toArray()
        .catch((listError: unknown) => {
          if (listError instanceof MongoServerError) {
            return [];
          }
          throw listError;
        });
      if (found.length === 0) {
        this.state = 'scan';
        log?.warn(
          { ...fields, codeName: error.codeName },
          `MongoDB: the server refused to create the Atlas Search index ${SEARCH_INDEX_NAME} (${error.codeName}); ` +
            'history search scans with a time limit. Create the index by hand (README: MongoDB)',
        );
        return;
      }
      if (found.some(isQueryable)) {
        this.state = 'search';
        this.checkedAt = this.now();
        log?.info(fields, 'MongoDB: history search uses Atlas Search');
      } else {
        this.pending();
        log?.info(fields, 'MongoDB: Atlas Search index not queryable yet; history search scans until it is');
      }
    }
  }

  private pending(): void {
    this.state = 'pending';
    this.checkedAt = this.now();
  }

  /** Whether a search may use the index now; a pending index is asked again at most every PENDING_RECHECK_MS. */
  async usable(): Promise<boolean> {
    if (this.state === 'pending' && this.now() - this.checkedAt >= PENDING_RECHECK_MS) {
      this.checkedAt = this.now();
      try {
        const found = await this.prompts.listSearchIndexes(SEARCH_INDEX_NAME).toArray();
        if (found.some(isQueryable)) {
          this.state = 'search';
        }
      } catch {
        // Still pending: the scan answers, and the next check asks again.
      }
    }
    return this.state === 'search';
  }
}
