import type Database from 'better-sqlite3';
import { storedLanguages } from '../language-filter.js';
import type { PromptQuery } from '../store.port.js';

/** What a history query asks of one row of `prompts`, as SQL conditions and the parameters they name. */
export interface PromptConditions {
  /** On the row's own columns: model, kind, status, language, dates. */
  columns: string[];
  /** The search text's condition, when there is one. */
  search: string[];
  /**
   * A rare search text: `search` names its few matching rowids, and the
   * caller reads them by rowid instead of walking the user's index.
   */
  byRowid: boolean;
  params: Record<string, unknown>;
}

/**
 * The WHERE conditions of a history query on `prompts`, written once for
 * the history listing and the threads listing (every filter on one turn).
 * Search has two plans: the trigram index finds substrings of 3 characters
 * or more. A rare text: its matches, read once from the index, are the
 * candidates. A common one: the caller walks the user's rows newest first
 * and checks each against the index, which stops as soon as the page is
 * full. Shorter text is a LIKE on the three text columns.
 */
export class SqlitePromptFilter {
  private readonly matchRowids;

  constructor(
    db: Database.Database,
    /** Above this many matches in the whole store, a search is common. */
    private readonly commonMatches: number,
  ) {
    this.matchRowids = db.prepare<[string, number], { rowid: number }>(
      'SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ? LIMIT ?',
    );
  }

  /** `alias`: the name the query gives `prompts` (`p`); none when it reads the table by its own name. */
  conditions(query: PromptQuery, alias?: string): PromptConditions {
    const column = (name: string): string => (alias === undefined ? name : `${alias}.${name}`);
    const columns: string[] = [];
    const params: Record<string, unknown> = {};
    const equal = {
      model_id: query.modelId,
      kind: query.kind,
      status: query.status,
    };
    for (const [name, value] of Object.entries(equal)) {
      if (value !== undefined) {
        columns.push(`${column(name)} = @${name}`);
        params[name] = value;
      }
    }
    if (query.language !== undefined) {
      columns.push(`${column('language')} IN (SELECT value FROM json_each(@languages))`);
      params.languages = JSON.stringify(storedLanguages(query.language));
    }
    if (query.from) {
      columns.push(`${column('created_at')} >= @from`);
      params.from = query.from.getTime();
    }
    if (query.to) {
      columns.push(`${column('created_at')} < @to`);
      params.to = query.to.getTime();
    }
    const q = query.q?.trim();
    if (!q) {
      return { columns, search: [], byRowid: false, params };
    }
    if (Array.from(q).length < 3) {
      params.like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const like = ['input', 'output', 'code'].map((name) => `${column(name)} LIKE @like ESCAPE '\\'`);
      return { columns, search: [`(${like.join(' OR ')})`], byRowid: false, params };
    }
    const match = `"${q.replaceAll('"', '""')}"`;
    const hits = this.matchRowids.all(match, this.commonMatches);
    if (hits.length < this.commonMatches) {
      params.rowids = JSON.stringify(hits.map((h) => h.rowid));
      return {
        columns,
        search: [`${column('rowid')} IN (SELECT value FROM json_each(@rowids))`],
        byRowid: true,
        params,
      };
    }
    params.match = match;
    return {
      columns,
      search: [
        `EXISTS (SELECT 1 FROM prompts_fts WHERE prompts_fts MATCH @match AND prompts_fts.rowid = ${alias ?? 'prompts'}.rowid)`,
      ],
      byRowid: false,
      params,
    };
  }
}
