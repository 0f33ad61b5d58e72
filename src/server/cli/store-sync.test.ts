import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fixtureSession, fixtureUser, T0 } from '../store/store-fixtures.js';
import { fixtureOutbox } from '../store/store-outbox.contract.js';
import { fixturePrompt } from '../store/store-prompts.contract.js';
import { fixtureThread } from '../store/store-threads.contract.js';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import type { ActivityRecord, Store } from '../store/store.port.js';
import { copyStore, countStore, countsOf } from './store-sync.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-store-sync-'));
const stores: Store[] = [];
let n = 0;

function open(): Store {
  const store = SqliteStore.open(path.join(dir, `store-${++n}.db`));
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('copyStore, record by record', () => {
  it('replaces a changed session, but reports a changed activity entry and leaves it (the log is append-only)', async () => {
    const [source, target] = [open(), open()];
    const user = await source.users.create(fixtureUser());
    const session = fixtureSession(user.id);
    const entry: ActivityRecord = {
      id: 'a0000000-0000-4000-8000-000000000001',
      userId: user.id,
      kind: 'sign_in',
      createdAt: T0,
      ip: '127.0.0.1',
      userAgent: 'source',
      details: {},
    };
    await source.sessions.create(session);
    await source.activity.append(entry);
    await target.users.create(fixtureUser({ ...user }));
    await target.sessions.create({ ...session, userAgent: 'stale' });
    await target.activity.append({ ...entry, userAgent: 'target' });

    const report = await copyStore(source, target, T0);

    expect(await target.sessions.findById(session.id)).toEqual(session);
    expect(report.written.sessions).toBe(1);
    expect(await target.activity.listForUser(user.id, 10)).toEqual([{ ...entry, userAgent: 'target' }]);
    expect(report.unchanged.activity).toBe(1);
    expect(report.written.activity).toBe(0);
    expect(report.problems).toEqual([
      `activity ${entry.id}: differs in the target and was left as it is there`,
    ]);
  });
});

describe('copyStore, threads', () => {
  it('copies threads with their turns, and brings a thread touched since up to date without losing its turns', async () => {
    const [source, target] = [open(), open()];
    const user = await source.users.create(fixtureUser());
    const thread = await source.threads.create(fixtureThread(user.id));
    const root = await source.prompts.create(
      fixturePrompt(user.id, { id: thread.id, threadId: thread.id, parentId: null }),
    );
    const first = await copyStore(source, target, T0);
    expect(first.written).toMatchObject({ threads: 1, prompts: 1 });
    expect(await target.threads.findForUser(user.id, thread.id)).toEqual(thread);

    const later = new Date(T0.getTime() + 60_000);
    const followUp = await source.prompts.create(
      fixturePrompt(user.id, { threadId: thread.id, parentId: root.id, createdAt: later }),
    );
    await source.threads.touch(thread.id, later);
    const second = await copyStore(source, target, T0);
    expect(second.written).toMatchObject({ threads: 1, prompts: 1 });
    expect(await target.threads.findForUser(user.id, thread.id)).toEqual({ ...thread, updatedAt: later });
    expect(await target.prompts.listThread(user.id, thread.id)).toEqual([root, followUp]);
    expect((await copyStore(source, target, T0)).written).toMatchObject({ threads: 0, prompts: 0 });
  });

  it('copies queued mail, and replaces it once a try was made in the source', async () => {
    const [source, target] = [open(), open()];
    const user = await source.users.create(fixtureUser());
    const mail = fixtureOutbox(user.id);
    await source.outbox.add(mail);

    const first = await copyStore(source, target, T0);
    expect(first.written).toEqual(countsOf({ users: 1, outbox: 1 }));
    expect(await target.outbox.listForUser(user.id)).toEqual([mail]);
    expect(await countStore(target, T0)).toEqual(countsOf({ users: 1, outbox: 1 }));

    const later = new Date(T0.getTime() + 60_000);
    await source.outbox.reschedule(mail.id, 1, later, 'connection refused');
    const second = await copyStore(source, target, T0);
    expect(second.written).toEqual(countsOf({ outbox: 1 }));
    expect(await target.outbox.listForUser(user.id)).toEqual([
      { ...mail, attempts: 1, nextAttemptAt: later, lastError: 'connection refused' },
    ]);
  });
});

describe('copyStore, roles and registration settings', () => {
  it('copies role, status and last sign-in of new and existing users, and the registration settings', async () => {
    const [source, target] = [open(), open()];
    const admin = await source.users.create(fixtureUser({ role: 'admin', lastSignInAt: T0 }));
    const pending = await source.users.create(fixtureUser({ status: 'pending' }));
    await target.users.create(fixtureUser({ ...pending, status: 'active' }));
    await source.registration.updateSettings(
      { registration: 'approval', allowedEmailDomains: ['example.com'] },
      T0,
    );

    const first = await copyStore(source, target, T0);
    expect(first.problems).toEqual([]);
    expect(await target.users.findById(admin.id)).toEqual(await source.users.findById(admin.id));
    expect(await target.users.findById(pending.id)).toEqual(await source.users.findById(pending.id));
    expect(await target.registration.getSettings()).toEqual({
      registration: 'approval',
      allowedEmailDomains: ['example.com'],
    });
    const again = await copyStore(source, target, T0);
    expect(again.unchanged.users).toBe(2);
  });
});
