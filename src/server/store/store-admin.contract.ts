import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, LastAdminError } from '../errors.js';
import type { InvitationRecord } from './admin.port.js';
import type { Store } from './store.port.js';
import { fixtureUser, T0 } from './store-fixtures.js';
import { fixturePrompt } from './store-prompts.contract.js';

const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

/** A new user whose role the store decides (the first account of an empty store is admin). */
function undecided(overrides: Parameters<typeof fixtureUser>[0] = {}) {
  const { role: _role, ...user } = fixtureUser(overrides);
  return user;
}

function fixtureInvitation(createdBy: string, overrides: Partial<InvitationRecord> = {}): InvitationRecord {
  return {
    id: randomUUID(),
    tokenHash: randomUUID().replaceAll('-', ''),
    createdBy,
    createdAt: T0,
    expiresAt: at(60),
    usedAt: null,
    ...overrides,
  };
}

/** Of two simultaneous removals of the only two active admins, one succeeded and the other was refused. */
function expectOneRefused(results: PromiseSettledResult<unknown>[]): void {
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  const refused = results.find((r) => r.status === 'rejected');
  expect(refused?.status === 'rejected' ? refused.reason : undefined).toBeInstanceOf(LastAdminError);
}

/** Part of the store contract: roles and statuses, the admin's user list, registration settings, invitations. */
export function describeAdminContract(getStore: () => Store): void {
  describe('roles and statuses', () => {
    it('makes the first account of an empty store an admin, and later ones users', async () => {
      const store = getStore();
      const first = await store.users.create(undecided());
      const second = await store.users.create(undecided());
      expect(first).toMatchObject({ role: 'admin', status: 'active', lastSignInAt: null });
      expect(second).toMatchObject({ role: 'user', status: 'active' });
      expect(await store.users.findById(first.id)).toMatchObject({ role: 'admin' });
      expect(await store.users.countActiveAdmins()).toBe(1);
    });

    it('makes exactly one of two simultaneous first accounts an admin', async () => {
      const store = getStore();
      const created = await Promise.all([store.users.create(undecided()), store.users.create(undecided())]);
      expect(created.map((u) => u.role).sort()).toEqual(['admin', 'user']);
      expect(await store.users.countActiveAdmins()).toBe(1);
    });

    it('keeps a role and status given on create, and records sign-ins without going back', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser({ status: 'pending' }));
      expect(u).toMatchObject({ role: 'user', status: 'pending' });
      await store.users.recordSignIn(u.id, at(5));
      await store.users.recordSignIn(u.id, at(3));
      expect((await store.users.findById(u.id))?.lastSignInAt).toEqual(at(5));
      const session = { id: randomUUID(), userId: u.id, createdAt: T0, lastUsedAt: T0, expiresAt: at(99) };
      await store.sessions.create({ ...session, ip: null, userAgent: null });
      expect((await store.sessions.findWithUser(session.id))?.user).toMatchObject({
        status: 'pending',
        lastSignInAt: at(5),
      });
    });

    it('changes role and status, and answers null for an unknown user', async () => {
      const store = getStore();
      const admin = await store.users.create(fixtureUser({ role: 'admin' }));
      const u = await store.users.create(fixtureUser({ status: 'pending' }));
      const approved = await store.users.updateAccess(u.id, { status: 'active' }, at(1));
      expect(approved).toMatchObject({ id: u.id, status: 'active', role: 'user', updatedAt: at(1) });
      expect(await store.users.updateAccess(u.id, { role: 'admin' }, at(2))).toMatchObject({ role: 'admin' });
      expect(await store.users.countActiveAdmins()).toBe(2);
      expect(await store.users.updateAccess(admin.id, { role: 'user' }, at(3))).toMatchObject({
        role: 'user',
      });
      expect(await store.users.updateAccess(randomUUID(), { status: 'disabled' }, at(4))).toBeNull();
    });

    it('refuses to demote or disable the last active admin, changing nothing', async () => {
      const store = getStore();
      const admin = await store.users.create(fixtureUser({ role: 'admin' }));
      await store.users.create(fixtureUser({ role: 'admin', status: 'disabled' }));
      for (const change of [
        { role: 'user' as const },
        { status: 'disabled' as const },
        { status: 'pending' as const },
      ]) {
        await expect(store.users.updateAccess(admin.id, change, at(1))).rejects.toBeInstanceOf(
          LastAdminError,
        );
      }
      expect(await store.users.findById(admin.id)).toMatchObject({
        role: 'admin',
        status: 'active',
        updatedAt: T0,
      });
      // A no-op change of the last admin is not a removal.
      expect(await store.users.updateAccess(admin.id, { status: 'active' }, at(2))).toMatchObject({
        role: 'admin',
      });
    });

    it('of two admins demoting each other at the same instant, exactly one succeeds', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser({ role: 'admin' }));
      const b = await store.users.create(fixtureUser({ role: 'admin' }));
      const results = await Promise.allSettled([
        store.users.updateAccess(a.id, { role: 'user' }, at(1)),
        store.users.updateAccess(b.id, { status: 'disabled' }, at(1)),
      ]);
      expectOneRefused(results);
      expect(await store.users.countActiveAdmins()).toBe(1);
    });

    it('deletes with keepAnAdmin: never the last active admin while others remain; alone only if asked', async () => {
      const store = getStore();
      const admin = await store.users.create(fixtureUser({ role: 'admin' }));
      const other = await store.users.create(fixtureUser({ role: 'admin', status: 'disabled' }));
      for (const keepAnAdmin of ['always', 'unlessAlone'] as const) {
        await expect(store.users.delete(admin.id, { keepAnAdmin })).rejects.toBeInstanceOf(LastAdminError);
      }
      expect(await store.users.findById(admin.id)).toMatchObject({ role: 'admin', status: 'active' });
      // Any account that is not the last active admin goes, as without the option.
      expect(await store.users.delete(other.id, { keepAnAdmin: 'always' })).toBe(true);
      expect(await store.users.delete(randomUUID(), { keepAnAdmin: 'always' })).toBe(false);
      // Alone: `always` still refuses, `unlessAlone` lets the installation become empty.
      await expect(store.users.delete(admin.id, { keepAnAdmin: 'always' })).rejects.toBeInstanceOf(
        LastAdminError,
      );
      expect(await store.users.delete(admin.id, { keepAnAdmin: 'unlessAlone' })).toBe(true);
      expect(await store.users.findById(admin.id)).toBeNull();
      // An empty store again: its next account is the admin.
      expect(await store.users.create(undecided())).toMatchObject({ role: 'admin' });
    });

    it('of two admins deleting each other at the same instant, exactly one succeeds', async () => {
      const store = getStore();
      let survivor = await store.users.create(fixtureUser({ role: 'admin' }));
      await store.users.create(fixtureUser());
      for (const keepAnAdmin of ['always', 'unlessAlone'] as const) {
        const pair = [survivor, await store.users.create(fixtureUser({ role: 'admin' }))];
        const results = await Promise.allSettled(pair.map((u) => store.users.delete(u.id, { keepAnAdmin })));
        expectOneRefused(results);
        expect(await store.users.countActiveAdmins()).toBe(1);
        survivor = pair[results.findIndex((r) => r.status === 'rejected')] ?? survivor;
        expect(await store.users.findById(survivor.id)).toMatchObject({ role: 'admin', status: 'active' });
      }
    });
  });

  describe('user list', () => {
    it('lists newest first with cursor paging, no gaps or repeats', async () => {
      const store = getStore();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await store.users.create(fixtureUser({ createdAt: at(i % 3) }))).id);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.users.search({}, 2, cursor);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((u) => u.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(seen.sort()).toEqual([...ids].sort());
      const all = (await store.users.search({}, 10)).items;
      const order = all.map((u) => [u.createdAt.getTime(), u.id] as const);
      const sorted = [...order].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
      expect(order).toEqual(sorted);
      await expect(store.users.search({}, 2, 'not-a-cursor')).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('searches username, email and display name case-insensitively, wildcards literally, and filters by status', async () => {
      const store = getStore();
      const alice = await store.users.create(fixtureUser({ username: 'Alice_W', email: 'aw@example.com' }));
      const bob = await store.users.create(fixtureUser({ email: 'bob@Corp.example', status: 'pending' }));
      const carol = await store.users.create(fixtureUser({ displayName: 'Carol 100%', status: 'disabled' }));
      const ids = async (query: Parameters<Store['users']['search']>[0]) =>
        (await store.users.search(query, 10)).items.map((u) => u.id).sort();
      expect(await ids({ q: 'alice_w' })).toEqual([alice.id]);
      expect(await ids({ q: 'corp.EXAMPLE' })).toEqual([bob.id]);
      expect(await ids({ q: '100%' })).toEqual([carol.id]);
      expect(await ids({ q: 'e_w' })).toEqual([alice.id]);
      expect(await ids({ q: '%' })).toEqual([carol.id]);
      expect(await ids({ status: 'pending' })).toEqual([bob.id]);
      expect(await ids({ status: 'active' })).toEqual([alice.id]);
      expect(await ids({ q: 'example', status: 'disabled' })).toEqual([carol.id]);
    });

    it('counts runs per user since a time', async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      await store.prompts.create(fixturePrompt(a.id, { createdAt: at(0) }));
      await store.prompts.create(fixturePrompt(a.id, { createdAt: at(10) }));
      await store.prompts.create(fixturePrompt(a.id, { createdAt: at(20), kind: 'explain' }));
      await store.prompts.create(fixturePrompt(b.id, { createdAt: at(1) }));
      const counts = await store.users.countRunsSince([a.id, b.id, randomUUID()], at(5));
      expect(Object.fromEntries(counts)).toEqual({ [a.id]: 2 });
      expect((await store.users.countRunsSince([], at(0))).size).toBe(0);
    });
  });

  describe('registration settings and invitations', () => {
    it('stores each setting on its own and keeps the other', async () => {
      const store = getStore();
      expect(await store.registration.getSettings()).toEqual({});
      expect(await store.registration.updateSettings({ registration: 'invite' }, at(1))).toEqual({
        registration: 'invite',
      });
      await store.registration.updateSettings({ allowedEmailDomains: ['example.com', 'example.org'] }, at(2));
      expect(await store.registration.getSettings()).toEqual({
        registration: 'invite',
        allowedEmailDomains: ['example.com', 'example.org'],
      });
      await store.registration.updateSettings({ registration: 'open', allowedEmailDomains: [] }, at(3));
      expect(await store.registration.getSettings()).toEqual({
        registration: 'open',
        allowedEmailDomains: [],
      });
    });

    it('uses an invitation once, never after it expires, and again only when released', async () => {
      const store = getStore();
      const admin = await store.users.create(fixtureUser({ role: 'admin' }));
      const invitation = await store.registration.createInvitation(fixtureInvitation(admin.id));
      const expired = await store.registration.createInvitation(
        fixtureInvitation(admin.id, { expiresAt: at(1) }),
      );
      expect(await store.registration.consumeInvitation(expired.tokenHash, at(1))).toBeNull();
      expect(await store.registration.consumeInvitation('unknown', at(0))).toBeNull();
      const [one, two] = await Promise.all([
        store.registration.consumeInvitation(invitation.tokenHash, at(2)),
        store.registration.consumeInvitation(invitation.tokenHash, at(2)),
      ]);
      expect([one, two].filter((x) => x !== null)).toEqual([{ ...invitation, usedAt: at(2) }]);
      expect(await store.registration.releaseInvitation(invitation.id)).toBe(true);
      expect(await store.registration.consumeInvitation(invitation.tokenHash, at(3))).toMatchObject({
        id: invitation.id,
      });
      expect(await store.registration.releaseInvitation(randomUUID())).toBe(false);
    });

    it('deletes the invitations of a deleted admin with the account', async () => {
      const store = getStore();
      const admin = await store.users.create(fixtureUser({ role: 'admin' }));
      const invitation = await store.registration.createInvitation(fixtureInvitation(admin.id));
      expect(await store.users.delete(admin.id)).toBe(true);
      expect(await store.registration.consumeInvitation(invitation.tokenHash, at(1))).toBeNull();
    });
  });
}
