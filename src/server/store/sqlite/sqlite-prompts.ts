import type Database from 'better-sqlite3';
import type { PromptOutcome, PromptRecord, PromptRepository } from '../store.port.js';

interface PromptRow {
  id: string;
  user_id: string;
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

function json(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/** Maps a row to the domain record. */
export function toPrompt(row: PromptRow): PromptRecord {
  return {
    id: row.id,
    userId: row.user_id,
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

/** Generations and explanations in SQLite (`prompts`). */
export class SqlitePrompts implements PromptRepository {
  private readonly insert;
  private readonly update;
  private readonly byId;
  private readonly failAll;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO prompts (id, user_id, kind, model_id, params, input, language, output, code, sections, status,
         error, prompt_tokens, completion_tokens, first_token_ms, total_ms, generation_id, created_at, finished_at)
       VALUES (@id, @userId, @kind, @modelId, @params, @input, @language, @output, @code, @sections, @status,
         @error, @promptTokens, @completionTokens, @firstTokenMs, @totalMs, @generationId, @createdAt, @finishedAt)`,
    );
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
  }

  async create(record: PromptRecord): Promise<PromptRecord> {
    this.insert.run({
      ...outcomeParams(record),
      id: record.id,
      userId: record.userId,
      kind: record.kind,
      modelId: record.modelId,
      params: JSON.stringify(record.params),
      input: record.input,
      generationId: record.generationId,
      createdAt: record.createdAt.getTime(),
    });
    return structuredClone(record);
  }

  async finish(id: string, outcome: PromptOutcome): Promise<boolean> {
    return this.update.run({ ...outcomeParams(outcome), id }).changes > 0;
  }

  async findById(id: string): Promise<PromptRecord | null> {
    const row = this.byId.get(id);
    return row ? toPrompt(row) : null;
  }

  async failRunning(error: { code: string; message: string }, at: Date): Promise<number> {
    return this.failAll.run(JSON.stringify(error), at.getTime()).changes;
  }
}
