import type Database from 'better-sqlite3';
import { decodeCursor, pageOf } from '../cursor.js';
import { promptStats, type PromptCounts } from '../prompt-stats.js';
import type {
  PromptOutcome,
  PromptPage,
  PromptQuery,
  PromptRecord,
  PromptRepository,
  PromptListingArgs,
  PromptStats,
  PromptSummary,
  PromptSummaryPage,
} from '../store.port.js';
import { SqlitePromptFilter } from './sqlite-prompt-filter.js';
import { RowCache, type ChangeWatch } from './sqlite-row-cache.js';

export interface PromptRow {
  id: string;
  user_id: string;
  thread_id: string;
  parent_id: string | null;
  kind: string;
  model_id: string;
  params: string;
  input: string;
  language: string;
  output: string;
  code: string | null;
  sections: string | null;
  status: string;
  error: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  first_token_ms: number | null;
  total_ms: number | null;
  generation_id: string | null;
  created_at: number;
  finished_at: number | null;
}

/** Above this many matches in the whole store, a search walks the user's records instead. */
export const COMMON_MATCHES = 5000;

function json(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/** Maps a row to the domain record. */
export function toPrompt(row: PromptRow): PromptRecord {
  return {
    id: row.id,
    userId: row.user_id,
    threadId: row.thread_id,
    parentId: row.parent_id,
    kind: row.kind as PromptRecord['kind'],
    modelId: row.model_id,
    params: (json(row.params) ?? {}) as PromptRecord['params'],
    input: row.input,
    language: row.language,
    output: row.output,
    code: row.code,
    sections: json(row.sections) as PromptRecord['sections'],
    status: row.status as PromptRecord['status'],
    error: json(row.error) as PromptRecord['error'],
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    firstTokenMs: row.first_token_ms,
    totalMs: row.total_ms,
    generationId: row.generation_id,
    createdAt: new Date(row.created_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  };
}

/** The columns of a PromptSummary, in the order of SummaryRow. */
const SUMMARY_COLUMNS =
  'id, thread_id, kind, model_id, language, status, input, total_ms, first_token_ms, completion_tokens, created_at, finished_at';

/**
 * A summary row read as an array (better-sqlite3's raw mode), which skips
 * building an object keyed by column name for every row: a history page is
 * the hottest listing.
 */
type SummaryRow = [
  id: string,
  threadId: string,
  kind: string,
  modelId: string,
  language: string,
  status: string,
  input: string,
  totalMs: number | null,
  firstTokenMs: number | null,
  completionTokens: number | null,
  createdAt: number,
  finishedAt: number | null,
];

function toSummary(row: SummaryRow): PromptSummary {
  const [id, threadId, kind, modelId, language, status, input, totalMs, firstTokenMs, completionTokens] = row;
  return {
    id,
    threadId,
    kind: kind as PromptRecord['kind'],
    modelId,
    language,
    status: status as PromptRecord['status'],
    input,
    totalMs,
    firstTokenMs,
    completionTokens,
    createdAt: new Date(row[10]),
    finishedAt: row[11] === null ? null : new Date(row[11]),
  };
}

function outcomeParams(outcome: PromptOutcome) {
  return {
    status: outcome.status,
    output: outcome.output,
    code: outcome.code,
    language: outcome.language,
    sections: outcome.sections === null ? null : JSON.stringify(outcome.sections),
    error: outcome.error === null ? null : JSON.stringify(outcome.error),
    promptTokens: outcome.promptTokens,
    completionTokens: outcome.completionTokens,
    firstTokenMs: outcome.firstTokenMs,
    totalMs: outcome.totalMs,
    finishedAt: outcome.finishedAt?.getTime() ?? null,
  };
}

/** The insert of one record (parameters: promptParams); db:copy's batch adds a conflict clause (sqlite-bulk.ts). */
export const INSERT_PROMPT = `INSERT INTO prompts (id, user_id, thread_id, parent_id, kind, model_id, params, input,
    language, output, code, sections, status, error, prompt_tokens, completion_tokens, first_token_ms, total_ms,
    generation_id, created_at, finished_at)
  VALUES (@id, @userId, @threadId, @parentId, @kind, @modelId, @params, @input, @language, @output, @code,
    @sections, @status, @error, @promptTokens, @completionTokens, @firstTokenMs, @totalMs, @generationId,
    @createdAt, @finishedAt)`;

/** The parameters of INSERT_PROMPT for a record. */
export function promptParams(record: PromptRecord) {
  return {
    ...outcomeParams(record),
    id: record.id,
    userId: record.userId,
    threadId: record.threadId,
    parentId: record.parentId,
    kind: record.kind,
    modelId: record.modelId,
    params: JSON.stringify(record.params),
    input: record.input,
    generationId: record.generationId,
    createdAt: record.createdAt.getTime(),
  };
}

/** Generations and explanations in SQLite (`prompts`). */
export class SqlitePrompts implements PromptRepository {
  private readonly insert;
  private readonly update;
  private readonly byId;
  private readonly failAll;
  private readonly progress;
  private readonly deleteOne;
  private readonly deleteAll;
  private readonly revision;
  /** Listing revisions read lately: a cached history page is checked without reading SQLite (see ChangeWatch). */
  private readonly revisions: RowCache<{ revision: number }>;
  private readonly deleteEmptyThread;
  private readonly deleteThreads;
  private readonly byThread;
  private readonly countsByKind;
  private readonly countsByModel;
  private readonly countsByDay;
  private readonly filter: SqlitePromptFilter;
  /** Listing statements by their SQL (filters change the WHERE clause). */
  private readonly listings = new Map<string, Database.Statement<Record<string, unknown>>>();

  constructor(
    private readonly db: Database.Database,
    watch: ChangeWatch,
    commonMatches = COMMON_MATCHES,
  ) {
    this.revisions = new RowCache(watch);
    watch.onRowChange(
      { table: 'listing_revisions', inserted: 'NEW.user_id', old: 'OLD.user_id' },
      (userId) => {
        this.revisions.forget(String(userId));
      },
    );
    this.filter = new SqlitePromptFilter(db, commonMatches);
    this.insert = db.prepare(INSERT_PROMPT);
    this.update = db.prepare(
      `UPDATE prompts SET status = @status, output = @output, code = @code, language = @language,
         sections = @sections, error = @error, prompt_tokens = @promptTokens, completion_tokens = @completionTokens,
         first_token_ms = @firstTokenMs, total_ms = @totalMs, finished_at = @finishedAt
       WHERE id = @id`,
    );
    this.byId = db.prepare<[string], PromptRow>('SELECT * FROM prompts WHERE id = ?');
    this.failAll = db.prepare(
      "UPDATE prompts SET status = 'failed', error = ?, finished_at = ? WHERE status = 'running'",
    );
    this.progress = db.prepare(
      "UPDATE prompts SET output = ?, completion_tokens = ? WHERE id = ? AND status = 'running'",
    );
    this.deleteOne = db.prepare<[string, string], { thread_id: string }>(
      'DELETE FROM prompts WHERE id = ? AND user_id = ? RETURNING thread_id',
    );
    this.deleteAll = db.prepare('DELETE FROM prompts WHERE user_id = ?');
    this.revision = db
      .prepare<[string], number>('SELECT revision FROM listing_revisions WHERE user_id = ?')
      .pluck();
    this.deleteEmptyThread = db.prepare(
      'DELETE FROM threads WHERE id = ? AND NOT EXISTS (SELECT 1 FROM prompts WHERE thread_id = threads.id)',
    );
    this.deleteThreads = db.prepare('DELETE FROM threads WHERE user_id = ?');
    this.byThread = db.prepare<[string, string], PromptRow>(
      'SELECT * FROM prompts WHERE thread_id = ? AND user_id = ? ORDER BY created_at, id',
    );
    this.countsByKind = db.prepare<[string], { kind: string; n: number }>(
      'SELECT kind, count(*) AS n FROM prompts WHERE user_id = ? GROUP BY kind',
    );
    this.countsByModel = db.prepare<[string], { modelId: string; n: number; tokens: number }>(
      `SELECT model_id AS modelId, count(*) AS n, coalesce(sum(completion_tokens), 0) AS tokens
       FROM prompts WHERE user_id = ? GROUP BY model_id ORDER BY n DESC, model_id`,
    );
    this.countsByDay = db.prepare<[string, number, number], { day: string; n: number }>(
      `SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, count(*) AS n
       FROM prompts WHERE user_id = ? AND created_at >= ? AND created_at < ? GROUP BY day`,
    );
  }

  async create(record: PromptRecord): Promise<PromptRecord> {
    this.insert.run(promptParams(record));
    return structuredClone(record);
  }

  async finish(id: string, outcome: PromptOutcome): Promise<boolean> {
    return this.update.run({ ...outcomeParams(outcome), id }).changes > 0;
  }

  async findById(id: string): Promise<PromptRecord | null> {
    const row = this.byId.get(id);
    return row ? toPrompt(row) : null;
  }

  async saveProgress(id: string, output: string, completionTokens: number | null): Promise<boolean> {
    return this.progress.run(output, completionTokens, id).changes > 0;
  }

  async failRunning(error: { code: string; message: string }, at: Date): Promise<number> {
    return this.failAll.run(JSON.stringify(error), at.getTime()).changes;
  }

  async listForUser(userId: string, query: PromptQuery, limit: number, cursor?: string): Promise<PromptPage> {
    const rows = this.listing<PromptRow>('*', false, userId, query, limit, cursor);
    return pageOf(rows, limit, toPrompt, (p) => p.createdAt);
  }

  async listSummariesForUser(...args: PromptListingArgs): Promise<PromptSummaryPage> {
    return pageOf(
      this.listing<SummaryRow>(SUMMARY_COLUMNS, true, ...args),
      args[2],
      toSummary,
      (p) => p.createdAt,
    );
  }

  /**
   * The rows of one page (and one more, to tell whether there is another), newest first;
   * `raw`: as arrays of the columns' values.
   */
  private listing<Row>(
    columns: string,
    raw: boolean,
    ...[userId, query, limit, cursor]: PromptListingArgs
  ): Row[] {
    const filter = this.filter.conditions(query);
    const params: Record<string, unknown> = { userId, limit: limit + 1, ...filter.params };
    const where = ['user_id = @userId', ...filter.columns];
    if (cursor !== undefined) {
      const at = decodeCursor(cursor);
      where.push('(created_at < @cursorAt OR (created_at = @cursorAt AND id < @cursorId))');
      params.cursorAt = at.createdAt;
      params.cursorId = at.id;
    }
    where.push(...filter.search);
    // For a rare search text the candidates are few rowids: look them up
    // directly rather than let the planner walk the user's index for the order.
    const from = filter.byRowid ? 'prompts NOT INDEXED' : 'prompts';
    const sql = `SELECT ${columns} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT @limit`;
    let statement = this.listings.get(sql);
    if (!statement) {
      statement = this.db.prepare<Record<string, unknown>>(sql).raw(raw);
      this.listings.set(sql, statement);
    }
    return statement.all(params) as Row[];
  }

  async listingRevision(userId: string): Promise<number> {
    const kept = this.revisions.get(userId);
    if (kept) {
      return kept.revision;
    }
    // Kept by triggers on prompts (migration 10): one primary-key read.
    const revision = this.revision.get(userId) ?? 0;
    this.revisions.set(userId, { revision });
    return revision;
  }

  async listThread(userId: string, threadId: string): Promise<PromptRecord[]> {
    return this.byThread.all(threadId, userId).map(toPrompt);
  }

  async deleteForUser(userId: string, id: string): Promise<boolean> {
    return this.db.transaction(() => {
      const deleted = this.deleteOne.get(id, userId);
      if (deleted) {
        this.deleteEmptyThread.run(deleted.thread_id);
      }
      return deleted !== undefined;
    })();
  }

  async deleteAllForUser(userId: string): Promise<number> {
    return this.db.transaction(() => {
      const n = this.deleteAll.run(userId).changes;
      this.deleteThreads.run(userId);
      return n;
    })();
  }

  async statsForUser(userId: string, since: Date, until: Date): Promise<PromptStats> {
    const counts: PromptCounts = {
      kinds: new Map(this.countsByKind.all(userId).map((r) => [r.kind, r.n])),
      byModel: this.countsByModel
        .all(userId)
        .map((r) => ({ modelId: r.modelId, count: r.n, completionTokens: r.tokens })),
      days: new Map(this.countsByDay.all(userId, since.getTime(), until.getTime()).map((r) => [r.day, r.n])),
    };
    return promptStats(counts, since, until);
  }
}
