import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import type {
  ActivityRecord,
  PasswordResetRecord,
  PromptRecord,
  SessionRecord,
  Store,
  UserRecord,
} from '../store/store.port.js';
import { copyStore, countStore, describeUrl, main, openStoreFromUrl, type CopyIo } from './db-copy.js';
import { countsOf } from './store-sync.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-db-copy-'));
let n = 0;
const freshFile = () => path.join(dir, `store-${++n}.db`);
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-06-01T12:00:00.000Z');
const MIN = 60_000;
const DAY = 86_400_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function open(file: string): Store {
  const store = SqliteStore.open(file);
  stores.push(store);
  return store;
}

/** The CLI's dependencies, with stores that have the additions and captured output. */
function cliIo(): CopyIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return {
    stdout,
    stderr,
    now: () => NOW,
    open: async (url) => open(url.slice('sqlite:'.length)),
    out: () => out,
    err: () => err,
  };
}

// --- Seed data: every kind, every field, nulls and non-nulls -------------------

interface Seeded {
  users: UserRecord[];
  sessions: SessionRecord[];
  resets: PasswordResetRecord[];
  activity: ActivityRecord[];
  prompts: PromptRecord[];
}

const USERS = 1000;
const id = (kind: string, i: number, j = 0) =>
  `${kind.padEnd(8, '0')}-${String(i).padStart(4, '0')}-4000-8000-${String(j).padStart(12, '0')}`;

async function seed(store: Store, users = USERS): Promise<Seeded> {
  const s: Seeded = { users: [], sessions: [], resets: [], activity: [], prompts: [] };
  for (let i = 0; i < users; i++) {
    const created = at(-30 * DAY + i * MIN);
    const user = await store.users.create({
      id: id('a11ce', i),
      username: `User_${i}.X`,
      email: `user${i}@example.com`,
      displayName: i % 3 === 0 ? null : `Name ${i} — ünï "q"`,
      passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$${i}`,
      createdAt: created,
    });
    let record: UserRecord = user;
    if (i % 2 === 1) {
      await store.users.updatePasswordHash(user.id, `rehashed-${i}`, at(-DAY + i));
      record = { ...user, passwordHash: `rehashed-${i}`, updatedAt: at(-DAY + i) };
    }
    s.users.push(record);
    for (let j = 0; j < 3; j++) {
      const session: SessionRecord = {
        id: id('5e55', i, j),
        userId: user.id,
        createdAt: at(-2 * DAY + j),
        lastUsedAt: at(j === 1 ? -DAY : -MIN),
        expiresAt: at(j === 2 ? -MIN : 7 * DAY), // j = 2 has expired
        ip: j === 0 ? null : `203.0.113.${j}`,
        userAgent: j === 0 ? null : 'Firefox/128',
      };
      await store.sessions.create(session);
      s.sessions.push(session);
      const reset: PasswordResetRecord = {
        id: id('4e5e7', i, j),
        userId: user.id,
        tokenHash: id('4a54', i, j).replaceAll('-', '').padEnd(64, String(j)),
        createdAt: at(-10 * MIN + j),
        expiresAt: at(j === 2 ? -MIN : 50 * MIN),
        usedAt: j === 1 ? at(-5 * MIN) : null,
      };
      await store.passwordResets.create(reset);
      s.resets.push(reset);
    }
    for (let j = 0; j < 4; j++) {
      const entry: ActivityRecord = {
        id: id('ac71', i, j),
        userId: user.id,
        kind: (['sign_in', 'sign_out', 'password_changed', 'generation'] as const)[j] ?? 'sign_in',
        createdAt: at(-DAY + j * MIN),
        ip: j === 3 ? null : '198.51.100.7',
        userAgent: j === 3 ? null : 'curl/8',
        details: j === 0 ? { via: 'admin-cli', count: i, ok: true, none: null } : {},
      };
      await store.activity.append(entry);
      s.activity.push(entry);
      const prompt: PromptRecord = {
        id: id('9e0', i, j),
        userId: user.id,
        threadId: id('9e0', i, j),
        parentId: null,
        kind: j === 1 ? 'explain' : 'generate',
        modelId: j % 2 === 0 ? 'deepseek-coder-1.3b' : 'qwen2.5-coder-0.5b',
        params:
          j === 1
            ? { level: 'expert', format: 'line-by-line' }
            : { temperature: 0.2, maxTokens: 256, topP: 0.95, stop: ['\n\n'], note: null },
        input: `prompt ${i}/${j} — ünïcödé "quotes" 100% a_b`,
        language: j === 1 ? 'go' : 'python',
        output: j === 3 ? '' : `output ${i}/${j}`,
        code: j === 0 ? `def f_${i}():\n    return ${j}` : null,
        sections: j === 1 ? [{ startLine: 1, endLine: 2, explanation: `Adds ${i}.` }] : null,
        status: (['completed', 'completed', 'failed', 'running'] as const)[j] ?? 'running',
        error: j === 2 ? { code: 'provider_error', message: 'lost' } : null,
        promptTokens: j === 3 ? null : 12 + j,
        completionTokens: j >= 2 ? null : 30 + i,
        firstTokenMs: j === 3 ? null : 56,
        totalMs: j === 3 ? null : 1234,
        generationId: j === 1 ? id('9e0', i, 0) : null,
        createdAt: at(-DAY + j * MIN + (j === 2 ? 0 : 1)), // two in the same minute, ids break the tie
        finishedAt: j === 3 ? null : at(-DAY + j * MIN + 5000),
      };
      await store.prompts.create(prompt);
      s.prompts.push(prompt);
    }
  }
  return s;
}

/** Everything in a store, as db:copy reads it, each kind sorted by id. */
async function dump(store: Store): Promise<Seeded> {
  const d: Seeded = { users: [], sessions: [], resets: [], activity: [], prompts: [] };
  let after: string | null = null;
  for (;;) {
    const page: UserRecord[] = await store.users.listAll(after, 250);
    for (const u of page) {
      d.users.push(u);
      d.sessions.push(...(await store.sessions.listAllForUser(u.id)));
      d.resets.push(...(await store.passwordResets.listForUser(u.id)));
      d.activity.push(...(await store.activity.listForUser(u.id, 1_000_000)));
      let cursor: string | undefined;
      do {
        const p = await store.prompts.listForUser(u.id, {}, 100, cursor);
        d.prompts.push(...p.items);
        cursor = p.nextCursor ?? undefined;
      } while (cursor);
    }
    if (page.length < 250) {
      break;
    }
    after = page.at(-1)?.id ?? null;
  }
  return sortAll(d);
}

function sortAll(d: Seeded): Seeded {
  const sort = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    users: sort(d.users),
    sessions: sort(d.sessions),
    resets: sort(d.resets),
    activity: sort(d.activity),
    prompts: sort(d.prompts),
  };
}

const live = (d: Seeded): Seeded => ({
  ...d,
  sessions: d.sessions.filter((s) => s.expiresAt > NOW),
  resets: d.resets.filter((r) => r.expiresAt > NOW),
});

describe('db:copy, SQLite to SQLite', () => {
  it('copies every record with every field, and a second run changes nothing', async () => {
    const from = freshFile();
    const to = freshFile();
    const seeded = sortAll(await seed(open(from)));
    expect(seeded.prompts).toHaveLength(4 * USERS);

    const first = cliIo();
    expect(await main(['--from', `sqlite:${from}`, '--to', `sqlite:${to}`], first)).toBe(0);
    expect(first.err()).toContain('Copied; every count matches.');
    expect(first.out()).toMatch(/users\s+1000\s+1000\n/);
    expect(first.out()).toMatch(/sessions\s+2000\s+2000\n/);
    expect(first.out()).toMatch(/password resets\s+2000\s+2000\n/);
    expect(first.out()).toMatch(/activity \(history\)\s+4000\s+4000\n/);
    expect(first.out()).toMatch(/prompts\s+4000\s+4000\n/);
    expect(first.err()).toMatch(/copy \[#{30}\] 100% 1000\/1000 users · 13000 records written/);
    // Counting reads every record of both stores again: it shows its progress too.
    expect(first.err()).toMatch(/check source \[#{30}\] 100% 1000\/1000 users\n/);
    expect(first.err()).toMatch(/check target \[#{30}\] 100% 1000\/1000 users\n/);

    const copied = await dump(open(to));
    // Every field of every live record, compared with what was written to the source.
    expect(copied).toEqual(live(seeded));

    const second = cliIo();
    expect(await main(['--from', `sqlite:${from}`, '--to', `sqlite:${to}`], second)).toBe(0);
    expect(second.err()).toMatch(/100% 1000\/1000 users · 0 records written/);
    expect(await dump(open(to))).toEqual(copied);
  });

  it("takes the source's generated session secret along, and keeps a target's own", async () => {
    const from = freshFile();
    const to = freshFile();
    await open(from).counters.keepSecret('session-secret', 'the-source-secret-of-43-characters-abcdefgh', 0);
    expect(await main(['--from', `sqlite:${from}`, '--to', `sqlite:${to}`], cliIo())).toBe(0);
    expect(await open(to).counters.readSecret('session-secret')).toBe(
      'the-source-secret-of-43-characters-abcdefgh',
    );

    const other = freshFile();
    await open(other).counters.keepSecret(
      'session-secret',
      'a-target-of-its-own-with-43-characters-abcde',
      0,
    );
    const io = cliIo();
    expect(await main(['--from', `sqlite:${from}`, '--to', `sqlite:${other}`], io)).toBe(0);
    expect(io.err()).toContain('The target keeps the session secret it generated');
    expect(await open(other).counters.readSecret('session-secret')).toBe(
      'a-target-of-its-own-with-43-characters-abcde',
    );
  });

  it('brings over what changed in the source since the last copy, and only that', async () => {
    const from = freshFile();
    const to = freshFile();
    const source = open(from);
    const target = open(to);
    const seeded = await seed(source, 20);
    await copyStore(source, target, NOW);

    const [u0, u1] = seeded.users;
    const running = seeded.prompts.find((p) => p.status === 'running' && p.userId === u0?.id);
    const unused = seeded.resets.find((r) => r.usedAt === null && r.expiresAt > NOW && r.userId === u1?.id);
    const session = seeded.sessions.find((s) => s.expiresAt > NOW && s.userId === u1?.id);
    await source.users.updateProfile(
      u0?.id ?? '',
      { displayName: 'Renamed', email: 'renamed@example.com' },
      NOW,
    );
    await source.prompts.finish(running?.id ?? '', {
      status: 'completed',
      output: 'late answer',
      code: 'x = 1',
      language: 'python',
      sections: null,
      error: null,
      promptTokens: 1,
      completionTokens: 2,
      firstTokenMs: 3,
      totalMs: 4,
      finishedAt: NOW,
    });
    await source.passwordResets.consume(unused?.tokenHash ?? '', NOW);
    await source.sessions.touch(session?.id ?? '', NOW);
    await source.activity.append({
      id: id('ac71', 999, 9),
      userId: u1?.id ?? '',
      kind: 'sign_in',
      createdAt: NOW,
      ip: null,
      userAgent: null,
      details: {},
    });

    const report = await copyStore(source, target, NOW);
    expect(report.written).toEqual(
      countsOf({ users: 1, sessions: 1, passwordResets: 1, activity: 1, prompts: 1 }),
    );
    expect(report.problems).toEqual([]);
    expect(await dump(target)).toEqual(live(await dump(source)));
    expect(await countStore(target, NOW)).toEqual(await countStore(source, NOW));
  });

  /** db:copy of `users` seeded users onto a target that already holds account `n` of `username`: exit code and output. */
  async function copyOntoAnotherAccount(users: number, n: number, username: string, email: string) {
    const from = freshFile();
    const to = freshFile();
    await seed(open(from), users);
    await open(to).users.create({
      id: id('e47a', n),
      username,
      email,
      displayName: null,
      passwordHash: 'h',
      createdAt: NOW,
    });
    const io = cliIo();
    return { code: await main(['--from', `sqlite:${from}`, '--to', `sqlite:${to}`], io), io };
  }

  it('fails the count check when the target holds records the source does not', async () => {
    const { code, io } = await copyOntoAnotherAccount(3, 1, 'someone_else', 'else@example.com');
    expect(code).toBe(1);
    expect(io.out()).toMatch(/users\s+3\s+4 {3}differs/);
    expect(io.err()).toMatch(/Counts differ \(users\)/);
  });

  it('reports a user whose username is taken by another account in the target, and exits 1', async () => {
    const { code, io } = await copyOntoAnotherAccount(2, 2, 'user_0.x', 'other@example.com');
    expect(code).toBe(1);
    expect(io.err()).toMatch(
      /problem: user a11ce000-0000-4000-8000-000000000000: another account in the target has this username/,
    );
  });
});

describe('db:copy command line', () => {
  it('prints usage and exits 2 without both stores, or with the same store twice', async () => {
    for (const argv of [[], ['--from', 'sqlite:a.db'], ['--to', 'sqlite:a.db'], ['--bogus', 'x']]) {
      const io = cliIo();
      expect(await main(argv, io)).toBe(2);
      expect(io.err()).toMatch(/Usage: npm run db:copy -- --from <DATABASE_URL> --to <DATABASE_URL>/);
    }
    const io = cliIo();
    expect(await main(['--from', 'sqlite:./a.db', '--to', `sqlite:${path.resolve('a.db')}`], io)).toBe(2);
    expect(io.err()).toMatch(/same store/);
  });

  it('refuses a source file that does not exist, creating nothing', async () => {
    const missing = path.join(dir, 'missing.db');
    const io = { ...cliIo(), open: openStoreFromUrl };
    expect(await main(['--from', `sqlite:${missing}`, '--to', `sqlite:${freshFile()}`], io)).toBe(1);
    expect(io.err()).toContain(`No SQLite database at ${missing}`);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('never prints a password from a store URL', async () => {
    expect(describeUrl('mongodb+srv://app:s3cret@cluster0.x.mongodb.net/prod')).toBe(
      'mongodb cluster0.x.mongodb.net (SRV), database prod',
    );
    await expect(openStoreFromUrl('postgres://app:s3cret@h/db')).rejects.toThrow(/^(?!.*s3cret).*sqlite:/);
    const io = { ...cliIo(), open: openStoreFromUrl };
    const code = await main(
      [
        '--from',
        `sqlite:${freshFile()}`,
        '--to',
        'mongodb://app:s3cret@127.0.0.1:1/x?serverSelectionTimeoutMS=300',
      ],
      io,
    );
    expect(code).toBe(1);
    expect(io.err()).not.toContain('s3cret');
  });
});
