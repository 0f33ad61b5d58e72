import Database from 'better-sqlite3';
import { ConflictError } from '../../errors.js';
import type { PromptQuery, ThreadPage, ThreadRecord, ThreadRepository } from '../store.port.js';
import { SqliteThreadListing, toThread, type ThreadRow } from './sqlite-thread-listing.js';

/** The insert of one thread (parameters: threadParams); db:copy's batch adds a conflict clause (sqlite-bulk.ts). */
export const INSERT_THREAD = `INSERT INTO threads (id, user_id, title, kind, created_at, updated_at)
  VALUES (@id, @userId, @title, @kind, @createdAt, @updatedAt)`;

/** The parameters of INSERT_THREAD for a thread. */
export function threadParams(thread: ThreadRecord) {
  return {
    id: thread.id,
    userId: thread.userId,
    title: thread.title,
    kind: thread.kind,
    createdAt: thread.createdAt.getTime(),
    updatedAt: thread.updatedAt.getTime(),
  };
}

/** Conversations in SQLite (`threads`); their turns are rows of `prompts`. */
export class SqliteThreads implements ThreadRepository {
  private readonly insert;
  private readonly byId;
  private readonly touchStmt;
  private readonly deleteOne;
  private readonly deleteTurns;
  private readonly forUser;
  private readonly listing: SqliteThreadListing;

  constructor(
    private readonly db: Database.Database,
    commonMatches: number,
  ) {
    this.listing = new SqliteThreadListing(db, commonMatches);
    this.insert = db.prepare(INSERT_THREAD);
    this.byId = db.prepare<[string, string], ThreadRow>('SELECT * FROM threads WHERE id = ? AND user_id = ?');
    this.touchStmt = db.prepare('UPDATE threads SET updated_at = ? WHERE id = ?');
    this.deleteOne = db.prepare('DELETE FROM threads WHERE id = ? AND user_id = ?');
    this.deleteTurns = db.prepare('DELETE FROM prompts WHERE thread_id = ? AND user_id = ?');
    this.forUser = db.prepare<[string], ThreadRow>(
      'SELECT * FROM threads WHERE user_id = ? ORDER BY created_at, id',
    );
  }

  async create(thread: ThreadRecord): Promise<ThreadRecord> {
    try {
      this.insert.run(threadParams(thread));
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ConflictError('A thread with this id already exists.', { fields: { id: 'exists' } });
      }
      throw error;
    }
    return structuredClone(thread);
  }

  async findForUser(userId: string, id: string): Promise<ThreadRecord | null> {
    const row = this.byId.get(id, userId);
    return row ? toThread(row) : null;
  }

  async touch(id: string, updatedAt: Date): Promise<boolean> {
    return this.touchStmt.run(updatedAt.getTime(), id).changes > 0;
  }

  async deleteForUser(userId: string, id: string): Promise<boolean> {
    // One transaction: a thread never outlives its turns or the other way round.
    return this.db.transaction(() => {
      const deleted = this.deleteOne.run(id, userId).changes > 0;
      if (deleted) {
        this.deleteTurns.run(id, userId);
      }
      return deleted;
    })();
  }

  async listAllForUser(userId: string): Promise<ThreadRecord[]> {
    return this.forUser.all(userId).map(toThread);
  }

  async listForUser(userId: string, query: PromptQuery, limit: number, cursor?: string): Promise<ThreadPage> {
    return this.listing.list(userId, query, limit, cursor);
  }
}
