import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../errors.js';
import { describeStoreContract } from '../store.contract.js';
import { MIGRATIONS } from './migrations.js';
import { migrate, SqliteStore } from './sqlite.adapter.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-sqlite-'));
let n = 0;
const freshFile = () => path.join(dir, `store-${++n}.db`);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('sqlite', () => Promise.resolve(SqliteStore.open(freshFile())));
// The same contract with every search taking the "common text" plan.
describeStoreContract('sqlite, common-text search plan', () =>
  Promise.resolve(SqliteStore.open(freshFile(), { commonSearchMatches: 1 })),
);

describe('sqlite adapter', () => {
  it('opens the file in WAL mode with foreign keys and secure_delete on', async () => {
    const file = freshFile();
    const store = SqliteStore.open(file);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('applies each migration once, in order, and records it', async () => {
    const file = freshFile();
    await SqliteStore.open(file).close();
    // Re-opening applies nothing new.
    const store = SqliteStore.open(file);
    await store.close();
    const db = new Database(file);
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(migrate(db)).toBe(0);
    expect(
      migrate(db, [
        ...MIGRATIONS,
        { version: 999, name: 'test', sql: 'CREATE TABLE extra (x INTEGER) STRICT' },
      ]),
    ).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toEqual({
      name: 'extra',
    });
    db.close();
  });

  it('rolls back a failing migration entirely', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(() =>
      migrate(db, [
        ...MIGRATIONS,
        { version: 1000, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;' },
      ]),
    ).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations WHERE version = 1000').get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('moves every record of a database made before threads into a one-turn thread, every field intact', async () => {
    const file = freshFile();
    const old = new Database(file);
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= 4),
    );
    old
      .prepare(
        `INSERT INTO users (id, username, email, display_name, password_hash, created_at, updated_at)
         VALUES ('u1', 'ann', 'ann@example.com', NULL, 'hash', 1000, 1000)`,
      )
      .run();
    const insert = old.prepare(
      `INSERT INTO prompts (id, user_id, kind, model_id, params, input, language, output, code, sections, status,
         error, prompt_tokens, completion_tokens, first_token_ms, total_ms, generation_id, created_at, finished_at)
       VALUES (@id, 'u1', @kind, 'm1', @params, @input, 'python', @output, @code, @sections, @status, @error,
         12, 34, 56, 789, @generationId, @createdAt, @finishedAt)`,
    );
    const rows = [
      {
        id: 'p1',
        kind: 'generate',
        params: '{"temperature":0.2}',
        input: 'Write a function that adds two numbers\nwith type hints',
        output: 'out',
        code: 'def add(a, b): ...',
        sections: null,
        status: 'completed',
        error: null,
        generationId: null,
        createdAt: 2000,
        finishedAt: 3000,
      },
      {
        id: 'p2',
        kind: 'explain',
        params: '{"level":"beginner","format":"line-by-line"}',
        input: '\n\ndef add(a, b):\n    return a + b',
        output: '{"sections":[]}',
        code: null,
        sections: '[{"startLine":1,"endLine":2,"explanation":"Adds."}]',
        status: 'failed',
        error: '{"code":"provider_error","message":"lost"}',
        generationId: 'p1',
        createdAt: 4000,
        finishedAt: null,
      },
    ];
    for (const row of rows) {
      insert.run(row);
    }
    const before = old.prepare('SELECT * FROM prompts ORDER BY id').all() as Record<string, unknown>[];
    old.close();

    const store = SqliteStore.open(file);
    try {
      for (const row of before) {
        const id = String(row.id);
        const record = await store.prompts.findById(id);
        expect(record).toMatchObject({ id, threadId: id, parentId: null, userId: 'u1', input: row.input });
        expect(await store.prompts.listThread('u1', id)).toEqual([record]);
      }
      expect(await store.prompts.findById('p2')).toMatchObject({
        kind: 'explain',
        params: { level: 'beginner', format: 'line-by-line' },
        sections: [{ startLine: 1, endLine: 2, explanation: 'Adds.' }],
        error: { code: 'provider_error', message: 'lost' },
        promptTokens: 12,
        completionTokens: 34,
        firstTokenMs: 56,
        totalMs: 789,
        generationId: 'p1',
        createdAt: new Date(4000),
        finishedAt: null,
      });
      expect(await store.threads.listAllForUser('u1')).toEqual([
        {
          id: 'p1',
          userId: 'u1',
          title: 'Write a function that adds two numbers…',
          kind: 'generate',
          createdAt: new Date(2000),
          updatedAt: new Date(3000),
        },
        {
          id: 'p2',
          userId: 'u1',
          title: 'def add(a, b):… (beginner, line-by-line)',
          kind: 'explain',
          createdAt: new Date(4000),
          updatedAt: new Date(4000),
        },
      ]);
      // The old columns are untouched, and search still finds the old text.
      expect((await store.prompts.listForUser('u1', { q: 'adds two' }, 10)).items.map((p) => p.id)).toEqual([
        'p1',
      ]);
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    const after = db.prepare('SELECT * FROM prompts ORDER BY id').all() as Record<string, unknown>[];
    db.close();
    // test_run (migration 14): the Test and fix run of a turn, none for these.
    expect(after).toEqual(
      before.map((row) => ({ ...row, thread_id: row.id, parent_id: null, test_run: null })),
    );
  });

  it('reports a closed database as unavailable', async () => {
    const store = SqliteStore.open(freshFile());
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
