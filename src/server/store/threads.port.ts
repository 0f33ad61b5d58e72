/**
 * The threads port: conversations, groups of prompt records (their turns).
 * Part of the storage port (store.port.ts re-exports it).
 */
import type { ThreadKind } from '../../shared/threads.schemas.js';
import type { PromptQuery, PromptRecord } from './store.port.js';

/**
 * A conversation: a group of prompt records (its turns). `title` comes from
 * the first turn (see threadTitle), `updatedAt` moves with every new turn.
 */
export interface ThreadRecord {
  id: string;
  userId: string;
  title: string;
  kind: ThreadKind;
  createdAt: Date;
  updatedAt: Date;
}

/** One line of a threads listing: the thread, its number of turns and its latest turn. */
export interface ThreadSummary extends ThreadRecord {
  /** Every turn, every version. */
  turnCount: number;
  /** The most recently created turn. */
  latest: Pick<PromptRecord, 'id' | 'status' | 'modelId' | 'language'>;
}

/** A page of threads, most recently updated first; `nextCursor` is null on the last page. */
export interface ThreadPage {
  items: ThreadSummary[];
  nextCursor: string | null;
  /** As PromptPage's: a search that stopped before the page was full (MongoDB without Atlas Search). */
  searchLimited?: true;
}

export interface ThreadRepository {
  /** Inserts a thread (a new id: the id of its first turn). */
  create(thread: ThreadRecord): Promise<ThreadRecord>;
  /** The user's thread; null when it is someone else's or absent. */
  findForUser(userId: string, id: string): Promise<ThreadRecord | null>;
  /** Moves `updatedAt` (a new turn); false when the thread does not exist. */
  touch(id: string, updatedAt: Date): Promise<boolean>;
  /** Deletes the user's thread and all its turns; false when it is not theirs or absent. */
  deleteForUser(userId: string, id: string): Promise<boolean>;
  /** Every thread of the user, oldest first. For db:copy. */
  listAllForUser(userId: string): Promise<ThreadRecord[]>;
  /**
   * The user's threads with at least one turn matching `query` (every
   * filter on the same turn; search covers every turn), most recently
   * updated first (updatedAt, then id), `limit` at most. A thread updated
   * while a client pages moves to the front: it is not shown twice. An
   * invalid cursor throws InvalidInputError.
   */
  listForUser(userId: string, query: PromptQuery, limit: number, cursor?: string): Promise<ThreadPage>;
}
