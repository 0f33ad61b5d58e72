/**
 * History list and search speed (issue 6): one user with 100,000 records in
 * a store of 1,000,000, on the real SQLite adapter. Reports p50/p95/max of
 * the first page and of searches, of the history (records) and of the
 * threads list (each record a one-turn thread, as after the threads
 * migration). Run with `npm run bench`.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/server/store/sqlite/sqlite.adapter.js';
import type { PromptQuery } from '../src/server/store/store.port.js';
import { median, quantile, timedMs } from './stats.js';

const TOTAL = Number(process.env.BENCH_TOTAL ?? 1_000_000);
const HEAVY = Number(process.env.BENCH_HEAVY ?? 100_000);
const USERS = 10;
const RUNS = 200;

const WORDS = [
  'sort',
  'list',
  'parse',
  'json',
  'file',
  'http',
  'server',
  'client',
  'reverse',
  'string',
  'binary',
  'tree',
  'graph',
  'queue',
  'stack',
  'cache',
  'retry',
  'stream',
  'socket',
  'matrix',
  'vector',
  'hash',
  'map',
  'filter',
];
const LANGS = ['python', 'javascript', 'typescript', 'go', 'rust', 'java', 'c', 'cpp', 'sql', 'bash'];
const MODELS = ['deepseek-coder-1.3b', 'phi-2', 'gemma-2b-it', 'stable-code-3b', 'replit-code-v1.5-3b'];

function pick<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length] as T;
}

function text(i: number, n: number): string {
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    parts.push(pick(WORDS, (i * 7 + k * 13) % 9973));
  }
  return parts.join(' ');
}

async function time(label: string, run: () => Promise<unknown>): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await run(); // warm-up
  }
  for (let i = 0; i < RUNS; i++) {
    samples.push(await timedMs(run));
  }
  const f = (x: number) => x.toFixed(2).padStart(7);
  console.log(
    `${label.padEnd(46)} p50 ${f(median(samples))} ms  p95 ${f(quantile(samples, 0.95))} ms  max ${f(Math.max(...samples))} ms`,
  );
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-bench-'));
  const file = path.join(dir, 'bench.db');
  try {
    const store = SqliteStore.open(file);
    const users: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const id = randomUUID();
      users.push(id);
      await store.users.create({
        id,
        username: `bench_${u}`,
        email: `bench_${u}@example.com`,
        displayName: null,
        passwordHash: 'x',
        createdAt: new Date(),
      });
    }
    await store.close();

    // Bulk seeding straight into the file: the store API writes one record per transaction.
    const started = Date.now();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const insert = db.prepare(
      `INSERT INTO prompts (id, user_id, thread_id, parent_id, kind, model_id, params, input, language, output, code,
        sections, status, error, prompt_tokens, completion_tokens, first_token_ms, total_ms, generation_id, created_at,
        finished_at)
       VALUES (@id, @user, @id, NULL, @kind, @model, '{}', @input, @language, @output, @code, NULL, 'completed', NULL,
        50, 200, 300, 4000, NULL, @at, @at + 4000)`,
    );
    const insertThread = db.prepare(
      `INSERT INTO threads (id, user_id, title, kind, created_at, updated_at)
       VALUES (@id, @user, substr(@input, 1, 80), @kind, @at, @at + 4000)`,
    );
    const heavy = users[0] ?? '';
    const t0 = Date.now() - TOTAL * 1000;
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        // Every 10th record belongs to the heavy user, until it has HEAVY of them.
        const user = i % Math.round(TOTAL / HEAVY) === 0 ? heavy : (users[1 + (i % (USERS - 1))] ?? heavy);
        const at = t0 + i * 1000;
        // A scrambled index, so the heavy user's records vary in model, kind and language too.
        const v = Math.imul(i, 2654435761) >>> 7;
        const row = {
          id: randomUUID(),
          user,
          kind: v % 4 === 0 ? 'explain' : 'generate',
          model: pick(MODELS, v),
          input: `Write a ${pick(LANGS, v >>> 3)} function to ${text(v, 6)} #${i}`,
          language: pick(LANGS, v >>> 3),
          output: `Here is the code:\n\`\`\`\n${text(i + 1, 30)}\n\`\`\`\nIt ${text(i + 2, 12)}.`,
          code: text(i + 1, 30),
          at,
        };
        insertThread.run(row);
        insert.run(row);
      }
    });
    for (let i = 0; i < TOTAL; i += 10_000) {
      batch(i, Math.min(TOTAL, i + 10_000));
      if (i % 100_000 === 0) {
        process.stderr.write(`\rseeding ${i.toLocaleString('en-US')} / ${TOTAL.toLocaleString('en-US')}`);
      }
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec("INSERT INTO prompts_fts (prompts_fts) VALUES ('optimize')");
    const heavyCount = (
      db.prepare('SELECT count(*) AS n FROM prompts WHERE user_id = ?').get(heavy) as { n: number }
    ).n;
    db.close();
    process.stderr.write(
      `\rseeded ${TOTAL.toLocaleString('en-US')} records (${heavyCount.toLocaleString('en-US')} for one user) in ${((Date.now() - started) / 1000).toFixed(0)} s; file ${(fs.statSync(file).size / 1e6).toFixed(0)} MB\n`,
    );

    const s = SqliteStore.open(file);
    const list = (query: PromptQuery) => () => s.prompts.listForUser(heavy, query, 20);
    console.log(
      `\nHistory of one user with ${heavyCount.toLocaleString('en-US')} records among ${TOTAL.toLocaleString('en-US')} (${RUNS} runs each):`,
    );
    await time('first page (20 newest)', list({}));
    const page1 = await s.prompts.listForUser(heavy, {}, 20);
    await time('second page (cursor)', () =>
      s.prompts.listForUser(heavy, {}, 20, page1.nextCursor ?? undefined),
    );
    await time('filter: model', list({ modelId: 'phi-2' }));
    await time('filter: kind + language', list({ kind: 'explain', language: 'rust' }));
    await time('search: rare text ("#12345 ")', list({ q: '#12345 ' }));
    await time('search: common word ("matrix")', list({ q: 'matrix' }));
    await time('search: two words ("binary tree")', list({ q: 'binary tree' }));
    await time('search: absent text ("zebracorn")', list({ q: 'zebracorn' }));
    await time('search: 2 characters ("qu", LIKE scan)', list({ q: 'qu' }));

    const threads = (query: PromptQuery) => () => s.threads.listForUser(heavy, query, 20);
    console.log(`\nThreads list of the same user (one-turn threads, ${RUNS} runs each):`);
    await time('first page (20 most recently updated)', threads({}));
    const threads1 = await s.threads.listForUser(heavy, {}, 20);
    await time('second page (cursor)', () =>
      s.threads.listForUser(heavy, {}, 20, threads1.nextCursor ?? undefined),
    );
    await time('filter: model', threads({ modelId: 'phi-2' }));
    await time('filter: kind + language', threads({ kind: 'explain', language: 'rust' }));
    await time('search: rare text ("#12345 ")', threads({ q: '#12345 ' }));
    await time('search: common word ("matrix")', threads({ q: 'matrix' }));
    await time('search: two words ("binary tree")', threads({ q: 'binary tree' }));
    await time('search: absent text ("zebracorn")', threads({ q: 'zebracorn' }));
    await time('search: 2 characters ("qu", LIKE scan)', threads({ q: 'qu' }));
    await s.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
