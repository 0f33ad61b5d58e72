import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { duplicateKey, findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { LastAdminError } from '../../errors.js';
import type { MongoStore } from './mongo.adapter.js';
import { fixtureUser, T0 } from '../store-fixtures.js';
import { toUserDoc, type UserDoc } from './mongo.mapping.js';

/**
 * Roles, the admin's user list, registration settings and invitations over
 * the wire protocol (the stand-in server has no query engine: it checks what
 * is asked and serves documents). Their behaviour is the contract suite's,
 * against a real MongoDB when MONGODB_TEST_URI is set.
 */
const open = useFakeMongoStore();

/** countDocuments' answer (an aggregation ending in a $group of n). */
function countReply(collection: string, n: number): Document {
  return findBatch(collection, n === 0 ? [] : [{ _id: 1, n }]);
}

const isCount = (c: Document, collection: string): boolean =>
  c.aggregate === collection && Array.isArray(c.pipeline) && c.pipeline.some((s: Document) => '$group' in s);
const inserts = (commands: Document[], collection: string): Document[] =>
  commands.filter((c) => c.insert === collection).flatMap((c) => c.documents as Document[]);

describe('mongo roles over the wire protocol', () => {
  it('the first account of an empty store claims the first-admin marker and is stored as admin', async () => {
    const { server, store } = await open();
    const { role: _role, ...user } = fixtureUser();
    expect(await store.users.create(user)).toMatchObject({ id: user.id, role: 'admin', status: 'active' });
    expect(inserts(server.commands, 'settings')).toEqual([
      { _id: 'first-admin', userId: user.id, updatedAt: T0 },
    ]);
    expect(inserts(server.commands, 'users')).toEqual([
      expect.objectContaining({ _id: user.id, role: 'admin' }),
    ]);
  });

  it('a first account that loses the marker to another is a user', async () => {
    const { store } = await open((c) =>
      c.insert === 'settings' ? duplicateKey('settings', 'first-admin') : undefined,
    );
    const { role: _role, ...user } = fixtureUser();
    expect(await store.users.create(user)).toMatchObject({ role: 'user' });
  });

  it('does not claim the marker when users exist or the role is given', async () => {
    const { server, store } = await open((c) => (isCount(c, 'users') ? countReply('users', 1) : undefined));
    const { role: _role, ...user } = fixtureUser();
    expect(await store.users.create(user)).toMatchObject({ role: 'user' });
    await store.users.create(fixtureUser({ role: 'admin' }));
    expect(inserts(server.commands, 'settings')).toEqual([]);
  });

  it('refuses to demote the last active admin without writing', async () => {
    const admin = { ...fixtureUser({ role: 'admin' }), updatedAt: T0 };
    const { server, store } = await open((c) =>
      c.find === 'users' ? findBatch('users', [toUserDoc(admin)]) : undefined,
    );
    await expect(store.users.updateAccess(admin.id, { role: 'user' }, T0)).rejects.toBeInstanceOf(
      LastAdminError,
    );
    const count = server.commands.find((c) => isCount(c, 'users'));
    expect(count?.pipeline[0]).toEqual({
      $match: { role: 'admin', status: { $nin: ['pending', 'disabled'] }, _id: { $ne: admin.id } },
    });
    expect(server.commands.some((c) => c.findAndModify === 'users')).toBe(false);
  });

  it('records a sign-in with $max, so an older one never moves it back', async () => {
    const { server, store } = await open();
    await store.users.recordSignIn('u1', T0);
    const update = server.commands.find((c) => c.update === 'users');
    expect(update?.updates).toEqual([
      expect.objectContaining({ q: { _id: 'u1' }, u: { $max: { lastSignInAt: T0 } } }),
    ]);
  });
});

describe('mongo user list over the wire protocol', () => {
  it('searches escaped text in three fields, filters active (documents without a status too), newest first', async () => {
    const older = { ...fixtureUser({ createdAt: new Date(T0.getTime() - 1) }), updatedAt: T0 };
    const newer = { ...fixtureUser(), updatedAt: T0 };
    const { server, store } = await open((c) =>
      c.find === 'users' ? findBatch('users', [toUserDoc(newer), toUserDoc(older)]) : undefined,
    );
    const page = await store.users.search({ q: ' a.b ', status: 'active' }, 1);
    expect(page.items.map((u) => u.id)).toEqual([newer.id]);
    expect(page.nextCursor).not.toBeNull();
    const find = server.commands.find((c) => c.find === 'users');
    const match = { $regex: 'a\\.b', $options: 'i' };
    expect(find).toMatchObject({
      filter: {
        $and: [
          { status: { $nin: ['pending', 'disabled'] } },
          { $or: [{ username: match }, { email: match }, { displayName: match }] },
        ],
      },
      sort: { createdAt: -1, _id: -1 },
    });
    expect(Number(find?.limit)).toBe(2);
  });

  it('counts runs per user since a time in one aggregation', async () => {
    const { server, store } = await open((c) =>
      c.aggregate === 'prompts' ? findBatch('prompts', [{ _id: 'u1', n: 3 }]) : undefined,
    );
    expect(Object.fromEntries(await store.users.countRunsSince(['u1', 'u2'], T0))).toEqual({ u1: 3 });
    expect(server.commands.find((c) => c.aggregate === 'prompts')?.pipeline).toEqual([
      { $match: { userId: { $in: ['u1', 'u2'] }, createdAt: { $gte: T0 } } },
      { $group: { _id: '$userId', n: { $sum: 1 } } },
    ]);
  });
});

describe('mongo registration settings and invitations over the wire protocol', () => {
  it('stores changed settings with one upsert of the registration document', async () => {
    const { server, store } = await open((c) =>
      c.find === 'settings'
        ? findBatch('settings', [{ _id: 'registration', registration: 'invite' }])
        : undefined,
    );
    expect(await store.registration.updateSettings({ registration: 'invite' }, T0)).toEqual({
      registration: 'invite',
    });
    const update = server.commands.find((c) => c.update === 'settings');
    expect(update?.updates).toEqual([
      expect.objectContaining({
        q: { _id: 'registration' },
        u: { $set: { updatedAt: T0, registration: 'invite' } },
        upsert: true,
      }),
    ]);
  });

  it('ignores a stored value this version cannot read, as SQLite does', async () => {
    const { store } = await open((c) =>
      c.find === 'settings'
        ? findBatch('settings', [
            { _id: 'registration', registration: 'by-lottery', allowedEmailDomains: ['example.com'] },
          ])
        : undefined,
    );
    expect(await store.registration.getSettings()).toEqual({ allowedEmailDomains: ['example.com'] });
  });

  it('stores an invitation as exactly its record fields, the id under _id', async () => {
    const { server, store } = await open();
    const invitation = {
      id: 'inv-1',
      tokenHash: 'hash',
      createdBy: 'admin-1',
      createdAt: T0,
      expiresAt: new Date(T0.getTime() + 1000),
      usedAt: null,
    };
    await store.registration.createInvitation({ ...invitation, token: 'never stored' } as typeof invitation);
    const { id, ...fields } = invitation;
    expect(inserts(server.commands, 'invitations')).toEqual([{ _id: id, ...fields }]);
  });

  it('uses an invitation up with one conditional findAndModify', async () => {
    const { server, store } = await open();
    expect(await store.registration.consumeInvitation('hash', T0)).toBeNull();
    expect(server.commands.find((c) => c.findAndModify === 'invitations')).toMatchObject({
      query: { tokenHash: 'hash', usedAt: null, expiresAt: { $gt: T0 } },
      update: { $set: { usedAt: T0 } },
    });
  });
});

/**
 * A stand-in for the part of a server the admin guard meets: the guard
 * document (a unique _id) and users found, counted and changed by _id, with
 * the query shapes mongo-users sends. Enough to run two removals at once.
 */
function guardedUsers(users: Document[]) {
  let guard: Document | undefined;
  const byId = (id: unknown) => users.find((u) => u._id === id);
  const isActiveAdmin = (u: Document) => u.role === 'admin' && u.status === 'active';
  return (c: Document): Document | undefined => {
    if (c.insert === 'settings' && c.documents[0]._id === 'admin-guard') {
      if (guard) {
        return duplicateKey('settings', 'admin-guard');
      }
      guard = c.documents[0] as Document;
      return { ok: 1, n: 1 };
    }
    const q = (c.deletes as Document[] | undefined)?.[0]?.q as Document | undefined;
    if (c.delete === 'settings' && q?.userId !== undefined && q.userId === guard?.userId) {
      guard = undefined;
      return { ok: 1, n: 1 };
    }
    if (c.find === 'users') {
      return findBatch(
        'users',
        users.filter((u) => u._id === c.filter._id),
      );
    }
    if (isCount(c, 'users')) {
      const match = c.pipeline[0].$match as Document;
      const counted = users.filter((u) => u._id !== match._id.$ne && (!match.role || isActiveAdmin(u)));
      return countReply('users', counted.length);
    }
    if (c.delete === 'users') {
      const at = users.findIndex((u) => u._id === c.deletes[0].q._id);
      return { ok: 1, n: at < 0 ? 0 : users.splice(at, 1).length };
    }
    const target = byId(c.query?._id ?? c.updates?.[0]?.q._id);
    if (target && (c.findAndModify === 'users' || c.update === 'users')) {
      Object.assign(target, c.update?.$set ?? c.updates[0].u.$set);
      return c.update === 'users' ? { ok: 1, n: 1, nModified: 1 } : { ok: 1, value: target };
    }
    return undefined;
  };
}

const guardCommands = (commands: Document[]) =>
  commands.filter((c) => c.insert === 'settings' || c.delete === 'settings');
const twoAdmins = (): [UserDoc, UserDoc] => [
  toUserDoc(fixtureUser({ role: 'admin' })),
  toUserDoc(fixtureUser({ role: 'admin' })),
];

describe('mongo admin guard over the wire protocol', () => {
  it('a demotion takes the guard, checks and writes, then releases its own guard', async () => {
    const [a, b] = twoAdmins();
    const { server, store } = await open(guardedUsers([a, b]));
    server.commands.length = 0;
    expect(await store.users.updateAccess(a._id, { role: 'user' }, T0)).toMatchObject({ role: 'user' });
    const names = server.commands.map((c) => Object.keys(c)[0]);
    expect(names).toEqual(['insert', 'find', 'aggregate', 'findAndModify', 'delete']);
    const taken = inserts(server.commands, 'settings')[0];
    expect(taken).toEqual({ _id: 'admin-guard', userId: a._id, updatedAt: expect.any(Date) });
    expect(server.commands.at(-1)?.deletes).toEqual([
      expect.objectContaining({ q: { _id: 'admin-guard', userId: a._id, updatedAt: taken?.updatedAt } }),
    ]);
  });

  it('a promotion or enabling takes no guard', async () => {
    const [a] = twoAdmins();
    const { server, store } = await open(guardedUsers([a]));
    await store.users.updateAccess(a._id, { role: 'admin' }, T0);
    await store.users.updateAccess(a._id, { status: 'active' }, T0);
    expect(guardCommands(server.commands)).toEqual([]);
  });

  it('waits while another holds the guard, and removes a guard older than the lease', async () => {
    const [a, b] = twoAdmins();
    let held = 2;
    const users = guardedUsers([a, b]);
    const { server, store } = await open((c) => {
      if (c.insert === 'settings' && held > 0) {
        held -= 1;
        return duplicateKey('settings', 'admin-guard');
      }
      // The second look finds the holder's guard past its lease.
      return c.delete === 'settings' && held === 0 && c.deletes[0].q.updatedAt ? { ok: 1, n: 1 } : users(c);
    });
    await store.users.updateAccess(a._id, { status: 'disabled' }, T0);
    const guard = guardCommands(server.commands);
    expect(guard.map((c) => Object.keys(c)[0])).toEqual([
      'insert',
      'delete',
      'insert',
      'delete',
      'insert',
      'delete',
    ]);
    const stale = guard[1]?.deletes[0].q as Document;
    const tried = inserts([guard[0] as Document], 'settings')[0]?.updatedAt as Date;
    expect(stale).toEqual({ _id: 'admin-guard', updatedAt: { $lt: new Date(tried.getTime() - 30_000) } });
    expect(a.status).toBe('disabled');
  });

  it('of two admins demoting or deleting each other at once, exactly one succeeds', async () => {
    for (const remove of [
      (store: MongoStore, id: string) => store.users.updateAccess(id, { status: 'disabled' }, T0),
      (store: MongoStore, id: string) => store.users.delete(id, { keepAnAdmin: 'always' }),
    ]) {
      const [a, b] = twoAdmins();
      const { server, store } = await open(guardedUsers([a, b]));
      // Slow reads, so that without the guard both removals would read and count before either writes.
      server.delay = (c) => (c.find === 'users' ? 50 : 0);
      const results = await Promise.allSettled([remove(store, a._id), remove(store, b._id)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({
        reason: expect.any(LastAdminError),
      });
      expect([a, b].filter((u) => u.role === 'admin' && u.status === 'active')).toHaveLength(1);
    }
  });

  it('deleting an admin: steps down under the guard before any data goes; the last one is refused', async () => {
    const [a, b] = twoAdmins();
    const plain = toUserDoc(fixtureUser());
    const { server, store } = await open(guardedUsers([a, b, plain]));
    server.commands.length = 0;
    expect(await store.users.delete(a._id, { keepAnAdmin: 'always' })).toBe(true);
    const firstDelete = server.commands.findIndex((c) => c.delete !== undefined && c.delete !== 'settings');
    const stepDown = server.commands.findIndex((c) => c.update === 'users');
    expect(server.commands[stepDown]?.updates[0].u).toEqual({ $set: { role: 'user' } });
    expect(stepDown).toBeLessThan(firstDelete);

    for (const keepAnAdmin of ['always', 'unlessAlone'] as const) {
      server.commands.length = 0;
      await expect(store.users.delete(b._id, { keepAnAdmin })).rejects.toBeInstanceOf(LastAdminError);
      expect(server.commands.at(-1)).toMatchObject({ delete: 'settings' });
      expect(server.commands.filter((c) => c.delete !== 'settings' && c.delete !== undefined)).toEqual([]);
    }
    // Alone, the last admin may go with `unlessAlone`, and gives the first-admin marker back.
    expect(await store.users.delete(plain._id, { keepAnAdmin: 'always' })).toBe(true);
    server.commands.length = 0;
    expect(await store.users.delete(b._id, { keepAnAdmin: 'unlessAlone' })).toBe(true);
    const deletes = server.commands.filter((c) => c.delete === 'users' || c.delete === 'settings');
    expect(deletes.map((c) => c.deletes[0].q)).toEqual([
      expect.objectContaining({ _id: 'admin-guard' }),
      { _id: b._id },
      { _id: 'first-admin' },
    ]);
  });
});
