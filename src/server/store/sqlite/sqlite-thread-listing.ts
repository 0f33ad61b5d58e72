import type Database from 'better-sqlite3';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { storedLanguages } from '../language-filter.js';
import type { PromptQuery, ThreadPage, ThreadRecord, ThreadSummary } from '../store.port.js';

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
  private readonly matchRowids;
  private readonly statements = new Map<string, Database.Statement<Record<string, unknown>, SummaryRow>>();

  constructor(
    private readonly db: Database.Database,
    private readonly commonMatches: number,
  ) {
    this.matchRowids = db.prepare<[string, number], { rowid: number }>(
      'SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ? LIMIT ?',
    );
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
    const turn: string[] = [];
    const equal = {
      model_id: query.modelId,
      kind: query.kind,
      status: query.status,
    };
    for (const [column, value] of Object.entries(equal)) {
      if (value !== undefined) {
        turn.push(`p.${column} = @${column}`);
        params[column] = value;
      }
    }
    if (query.language !== undefined) {
      turn.push('p.language IN (SELECT value FROM json_each(@languages))');
      params.languages = JSON.stringify(storedLanguages(query.language));
    }
    if (query.from) {
      turn.push('p.created_at >= @from');
      params.from = query.from.getTime();
    }
    if (query.to) {
      turn.push('p.created_at < @to');
      params.to = query.to.getTime();
    }
    let candidates = false;
    const q = query.q?.trim();
    if (q) {
      if (Array.from(q).length >= 3) {
        const match = `"${q.replaceAll('"', '""')}"`;
        const hits = this.matchRowids.all(match, this.commonMatches);
        if (hits.length < this.commonMatches) {
          turn.push('p.rowid IN (SELECT value FROM json_each(@rowids))');
          params.rowids = JSON.stringify(hits.map((h) => h.rowid));
          candidates = true;
        } else {
          turn.push(
            'EXISTS (SELECT 1 FROM prompts_fts WHERE prompts_fts MATCH @match AND prompts_fts.rowid = p.rowid)',
          );
          params.match = match;
        }
      } else {
        turn.push(
          "(p.input LIKE @like ESCAPE '\\' OR p.output LIKE @like ESCAPE '\\' OR p.code LIKE @like ESCAPE '\\')",
        );
        params.like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      }
    }
    let from = 'threads t';
    if (candidates) {
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
    const rows = statement.all(params);
    const items = rows.slice(0, limit).map(toSummary);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ createdAt: last.updatedAt.getTime(), id: last.id })
          : null,
    };
  }
}
