import type Database from 'better-sqlite3';
import { decodeCursor, pageOf } from '../cursor.js';
import type { PromptQuery, ThreadPage, ThreadRecord, ThreadSummary } from '../store.port.js';
import { SqlitePromptFilter } from './sqlite-prompt-filter.js';

/** A row of `threads`. */
export interface ThreadRow {
  id: string;
  user_id: string;
  title: string;
  kind: string;
  created_at: number;
  updated_at: number;
}

export function toThread(row: ThreadRow): ThreadRecord {
  return {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    kind: row.kind as ThreadRecord['kind'],
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

interface SummaryRow extends ThreadRow {
  turn_count: number;
  latest_id: string;
  latest_status: string;
  latest_model_id: string;
  latest_language: string;
}

function toSummary(row: SummaryRow): ThreadSummary {
  return {
    ...toThread(row),
    turnCount: row.turn_count,
    latest: {
      id: row.latest_id,
      status: row.latest_status as ThreadSummary['latest']['status'],
      modelId: row.latest_model_id,
      language: row.latest_language,
    },
  };
}

/** The latest turn's column `column` of thread `t`, through the (thread_id, created_at, id) index. */
const latest = (column: string) =>
  `(SELECT ${column} FROM prompts l WHERE l.thread_id = t.id ORDER BY l.created_at DESC, l.id DESC LIMIT 1)`;

/**
 * The threads listing in SQLite: threads of the user, most recently updated
 * first, that have a turn matching every filter. Search takes the prompts
 * listing's two plans: a rare text's few matching turns name the candidate
 * threads; a common one is checked turn by turn against the trigram index
 * while the user's threads are walked newest first.
 */
export class SqliteThreadListing {
  private readonly filter: SqlitePromptFilter;
  private readonly statements = new Map<string, Database.Statement<Record<string, unknown>, SummaryRow>>();

  constructor(
    private readonly db: Database.Database,
    commonMatches: number,
  ) {
    this.filter = new SqlitePromptFilter(db, commonMatches);
  }

  list(userId: string, query: PromptQuery, limit: number, cursor?: string): ThreadPage {
    const where = ['t.user_id = @userId'];
    const params: Record<string, unknown> = { userId, limit: limit + 1 };
    if (cursor !== undefined) {
      const at = decodeCursor(cursor);
      where.push('(t.updated_at < @cursorAt OR (t.updated_at = @cursorAt AND t.id < @cursorId))');
      params.cursorAt = at.createdAt;
      params.cursorId = at.id;
    }
    const filter = this.filter.conditions(query, 'p');
    Object.assign(params, filter.params);
    const turn = [...filter.columns, ...filter.search];
    let from = 'threads t';
    if (filter.byRowid) {
      // The matching turns by rowid, then their threads by primary key: never a walk of the user's records.
      where.push(
        `t.id IN (SELECT p.thread_id FROM prompts p NOT INDEXED WHERE p.user_id = @userId AND ${turn.join(' AND ')})`,
      );
      from = 'threads t INDEXED BY sqlite_autoindex_threads_1';
    } else {
      // With no filter: any turn. A thread whose turns are all gone (a crash between two writes) is no line.
      where.push(`EXISTS (SELECT 1 FROM prompts p WHERE ${['p.thread_id = t.id', ...turn].join(' AND ')})`);
    }
    const sql = `SELECT t.*, (SELECT count(*) FROM prompts c WHERE c.thread_id = t.id) AS turn_count,
        ${latest('id')} AS latest_id, ${latest('status')} AS latest_status,
        ${latest('model_id')} AS latest_model_id, ${latest('language')} AS latest_language
      FROM ${from} WHERE ${where.join(' AND ')}
      ORDER BY t.updated_at DESC, t.id DESC LIMIT @limit`;
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<Record<string, unknown>, SummaryRow>(sql);
      this.statements.set(sql, statement);
    }
    return pageOf(statement.all(params), limit, toSummary, (t) => t.updatedAt);
  }
}
