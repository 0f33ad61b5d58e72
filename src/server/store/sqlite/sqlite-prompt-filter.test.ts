import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlitePromptFilter } from './sqlite-prompt-filter.js';
import { migrate } from './sqlite.adapter.js';

/**
 * The conditions both SQLite listings put on a turn (the contract suites
 * check what they find; this pins the SQL each plan is built from).
 */
describe('SqlitePromptFilter', () => {
  const db = new Database(':memory:');
  migrate(db);
  afterAll(() => {
    db.close();
  });

  it('asks nothing of a query without filters', () => {
    expect(new SqlitePromptFilter(db, 10).conditions({})).toEqual({
      columns: [],
      search: [],
      byRowid: false,
      params: {},
    });
  });

  it('names the columns through the alias the listing gives prompts', () => {
    const from = new Date(1000);
    const to = new Date(2000);
    const conditions = new SqlitePromptFilter(db, 10).conditions(
      { modelId: 'm', status: 'failed', language: 'any', from, to },
      'p',
    );
    expect(conditions.columns).toEqual([
      'p.model_id = @model_id',
      'p.status = @status',
      'p.language IN (SELECT value FROM json_each(@languages))',
      'p.created_at >= @from',
      'p.created_at < @to',
    ]);
    expect(conditions.params).toEqual({
      model_id: 'm',
      status: 'failed',
      languages: '["any","text"]',
      from: 1000,
      to: 2000,
    });
  });

  it('searches text shorter than 3 characters with an escaped LIKE', () => {
    const conditions = new SqlitePromptFilter(db, 10).conditions({ q: ' %_ ' });
    expect(conditions.search).toEqual([
      "(input LIKE @like ESCAPE '\\' OR output LIKE @like ESCAPE '\\' OR code LIKE @like ESCAPE '\\')",
    ]);
    expect(conditions.params).toEqual({ like: '%\\%\\_%' });
  });

  it('reads a rare text’s matches by rowid, and checks a common one row by row', () => {
    const rare = new SqlitePromptFilter(db, 10).conditions({ q: 'reverse' }, 'p');
    expect(rare).toMatchObject({
      search: ['p.rowid IN (SELECT value FROM json_each(@rowids))'],
      byRowid: true,
      params: { rowids: '[]' },
    });
    // Common above 0 matches: every text is common.
    const common = new SqlitePromptFilter(db, 0).conditions({ q: 'say "hi"' });
    expect(common).toMatchObject({
      search: [
        'EXISTS (SELECT 1 FROM prompts_fts WHERE prompts_fts MATCH @match AND prompts_fts.rowid = prompts.rowid)',
      ],
      byRowid: false,
      params: { match: '"say ""hi"""' },
    });
  });
});
