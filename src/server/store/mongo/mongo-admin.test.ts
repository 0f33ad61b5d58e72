import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { duplicateKey, findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { LastAdminError } from '../../errors.js';
import { fixtureUser, T0 } from '../store-fixtures.js';
import { toUserDoc } from './mongo.mapping.js';

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
