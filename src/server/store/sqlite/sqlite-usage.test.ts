import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';
import { migrate } from './sqlite.adapter.js';
import { SqliteUsage } from './sqlite-usage.js';

/** The SQL of every statement SqliteUsage prepares, read off the real adapter (no copy of its text). */
function usageQueries(db: Database.Database): string[] {
  const seen: string[] = [];
  const recording = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          seen.push(sql);
          return target.prepare(sql);
        };
      }
      return Reflect.get(target, prop, target) as unknown;
    },
  });
  new SqliteUsage(recording);
  return seen;
}

/** How SQLite reads `prompts` for each usage query, on a database migrated up to `version`. */
function promptSteps(version: number): string[][] {
  const db = new Database(':memory:');
  try {
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= version),
    );
    const range = [Date.parse('2026-01-01'), Date.parse('2026-01-31')];
    return usageQueries(db).map((sql) =>
      db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...range, ...(sql.includes('LIMIT ?') ? [10] : []))
        .map((row) => row.detail)
        .filter((step) => /^(SCAN|SEARCH) (p|prompts)\b/.test(step)),
    );
  } finally {
    db.close();
  }
}

// The app never runs ANALYZE, so the planner chooses by the schema alone, as here.
describe('sqlite admin usage counts', () => {
  it('search the 30 days in the prompts_created index instead of reading every prompt of every user', () => {
    const search =
      /^SEARCH (p|prompts) USING COVERING INDEX prompts_created \(created_at>\? AND created_at<\?\)$/;
    const now = promptSteps(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(now).toHaveLength(4);
    for (const steps of now) {
      expect(steps).toEqual([expect.stringMatching(search)]);
    }
    // Before migration 11 each query walked the whole table or a whole per-user index.
    for (const steps of promptSteps(10)) {
      expect(steps).toEqual([expect.stringMatching(/^SCAN (p|prompts)\b/)]);
    }
  });
});
