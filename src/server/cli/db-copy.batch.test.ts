import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import type { ActivityRecord, Store } from '../store/store.port.js';
import { fixtureUser, T0 } from '../store/store-fixtures.js';
import { fixturePrompt } from '../store/store-prompts.contract.js';
import { fixtureThread } from '../store/store-threads.contract.js';
import { main, type CopyIo } from './db-copy.js';
import { copyStore, countStore } from './store-sync.js';

/**
 * db:copy a page at a time (issue 16, item 8): the activity log and the
 * prompts are read in pages of 500, each page looked up in the target with
 * one read and written with one batch insert, and records another copy
 * inserted meanwhile count as already there instead of failing the copy.
 * The MongoDB commands of the same copy: src/server/store/mongo/mongo-bulk.test.ts.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-db-copy-batch-'));
let n = 0;
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function fresh(): Store {
  const store = SqliteStore.open(path.join(dir, `store-${++n}.db`));
  stores.push(store);
  return store;
}

const at = (ms: number) => new Date(T0.getTime() + ms);
const NOW = at(86_400_000);

/** The store with every repository call recorded as "repository.method"; `replace` answers some instead. */
function recorded(
  store: Store,
  calls: string[],
  replace: Record<string, (...args: unknown[]) => Promise<unknown>> = {},
): Store {
  return new Proxy(store, {
    get(target, repoName) {
      const repo: unknown = Reflect.get(target, repoName, target);
      if (typeof repo === 'function') {
        return (repo as (...args: unknown[]) => unknown).bind(target);
      }
      if (typeof repo !== 'object' || repo === null) {
        return repo;
      }
      return new Proxy(repo, {
        get(r, methodName) {
          const method: unknown = Reflect.get(r, methodName, r);
          if (typeof method !== 'function') {
            return method;
          }
          const name = `${String(repoName)}.${String(methodName)}`;
          return (...args: unknown[]) => {
            calls.push(name);
            return (replace[name] ?? (method as (...a: unknown[]) => Promise<unknown>).bind(r))(...args);
          };
        },
      });
    },
  });
}

/** A user with `count` prompts (one thread each) and `count` activity entries. */
async function seedUser(store: Store, count: number): Promise<void> {
  const user = await store.users.create(fixtureUser());
  const prompts = Array.from({ length: count }, (_, i) => fixturePrompt(user.id, { createdAt: at(i) }));
  await store.bulk.insertPrompts(prompts);
  await store.bulk.insertThreads(
    prompts.map((p) => fixtureThread(user.id, { id: p.id, createdAt: p.createdAt })),
  );
  const entries: ActivityRecord[] = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    userId: user.id,
    kind: 'generation',
    // Pairs at one instant: the pages must break ties by id.
    createdAt: at(Math.floor(i / 2)),
    ip: null,
    userAgent: null,
    details: { n: i },
  }));
  await store.bulk.insertActivity(entries);
}

function cliIo(source: Store, target: Store): CopyIo & { err: () => string } {
  let err = '';
  const stderr = new PassThrough();
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return {
    stdout: new PassThrough(),
    stderr,
    now: () => NOW,
    open: async (url) => (url === 'sqlite:/source.db' ? source : target),
    err: () => err,
  };
}

const count = (calls: string[], name: string) => calls.filter((c) => c === name).length;

describe('db:copy in pages', () => {
  it('reads the log and prompts a page at a time and writes each page with one lookup and one batch', async () => {
    const source = fresh();
    await seedUser(source, 1201);
    const sourceCalls: string[] = [];
    const targetCalls: string[] = [];
    const target = recorded(fresh(), targetCalls);
    const io = cliIo(recorded(source, sourceCalls), target);

    expect(await main(['--from', 'sqlite:/source.db', '--to', 'sqlite:/target.db'], io)).toBe(0);
    expect(io.err()).toContain('Copied; every count matches.');

    // 1201 records: pages of 500, 500 and 201.
    expect(count(targetCalls, 'bulk.findPrompts')).toBe(3);
    expect(count(targetCalls, 'bulk.insertPrompts')).toBe(3);
    expect(count(targetCalls, 'bulk.findActivity')).toBe(3);
    expect(count(targetCalls, 'bulk.insertActivity')).toBe(3);
    expect(count(targetCalls, 'bulk.insertThreads')).toBe(1);
    for (const perRecord of ['prompts.findById', 'prompts.create', 'activity.append', 'threads.create']) {
      expect(count(targetCalls, perRecord)).toBe(0);
    }
    // The whole log is never read at once: by the copy (3 pages) and by the count check (3 pages per store).
    expect(count(sourceCalls, 'activity.listForUser') + count(targetCalls, 'activity.listForUser')).toBe(0);
    expect(count(sourceCalls, 'bulk.listActivity')).toBe(6);
    expect(count(targetCalls, 'bulk.listActivity')).toBe(3);
  });

  it('counts records another copy inserted meanwhile as already there, and succeeds', async () => {
    const source = fresh();
    await seedUser(source, 3);
    const target = fresh();
    const first = await copyStore(source, target, NOW);
    expect(first.written).toMatchObject({ prompts: 3, activity: 3, threads: 3 });

    // The second copy's lookups ran before the first copy's inserts landed: it finds nothing there.
    const none = async () => [];
    const late = recorded(target, [], {
      'bulk.findPrompts': none,
      'bulk.findActivity': none,
      'threads.listAllForUser': none,
    });
    const second = await copyStore(source, late, NOW);
    expect(second.problems).toEqual([]);
    expect(second.written).toMatchObject({ prompts: 0, activity: 0, threads: 0 });
    expect(second.unchanged).toMatchObject({ prompts: 3, activity: 3, threads: 3 });

    expect(await countStore(target, NOW)).toEqual(await countStore(source, NOW));
  });
});
