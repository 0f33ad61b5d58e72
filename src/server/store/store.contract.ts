import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import type { Store } from './store.port.js';
import { fixtureSession, fixtureUser, T0 } from './store-fixtures.js';
import { describeAdminContract } from './store-admin.contract.js';
import { describeBulkContract } from './store-bulk.contract.js';
import { describeHistoryContract } from './store-history.contract.js';
import { describeOutboxContract } from './store-outbox.contract.js';
import { describeInstanceContract } from './store-instances.contract.js';
import { describeCounterContract } from './store-counters.contract.js';
import { describeCredentialContract } from './store-credentials.contract.js';
import { describePromptContract } from './store-prompts.contract.js';
import { describeResetAndActivityContract } from './store-resets.contract.js';
import { describeThreadContract } from './store-threads.contract.js';
import { describeUsageContract } from './store-usage.contract.js';
import { describeRepairContract } from './store-repairs.contract.js';
import { describePreferenceContract } from './store-preferences.contract.js';

/**
 * The behaviour every storage adapter must show. Each adapter's test file
 * calls this with a factory that returns a fresh, empty store.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    const t0 = T0;

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('users', () => {
      it('creates a user and finds it by id, username (any case) and email', async () => {
        const u = fixtureUser({ username: 'Alice.Smith', email: 'alice@example.com', displayName: 'Alice' });
        const created = await store.users.create(u);
        expect(created).toMatchObject({ id: u.id, username: 'Alice.Smith', displayName: 'Alice' });
        expect(created.createdAt.getTime()).toBe(t0.getTime());

        for (const found of [
          await store.users.findById(u.id),
          await store.users.findByUsername('alice.smith'),
          await store.users.findByUsername('ALICE.SMITH'),
          await store.users.findByEmail('alice@example.com'),
        ]) {
          expect(found).toEqual({
            id: u.id,
            username: 'Alice.Smith',
            email: 'alice@example.com',
            displayName: 'Alice',
            passwordHash: u.passwordHash,
            createdAt: t0,
            updatedAt: t0,
            role: 'user',
            status: 'active',
            lastSignInAt: null,
          });
        }
      });

      it('returns null for unknown users', async () => {
        expect(await store.users.findById(randomUUID())).toBeNull();
        expect(await store.users.findByUsername('nobody')).toBeNull();
        expect(await store.users.findByEmail('nobody@example.com')).toBeNull();
      });

      it('refuses a username taken in another case with a conflict on username', async () => {
        await store.users.create(fixtureUser({ username: 'bob' }));
        const error = await store.users.create(fixtureUser({ username: 'BOB' })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).details).toEqual({ fields: { username: expect.any(String) } });
      });

      it('refuses a taken email with a conflict on email', async () => {
        await store.users.create(fixtureUser({ email: 'carol@example.com' }));
        const error = await store.users
          .create(fixtureUser({ email: 'carol@example.com' }))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).details).toEqual({ fields: { email: expect.any(String) } });
      });

      it('keeps the first user intact after a refused duplicate', async () => {
        const first = await store.users.create(fixtureUser({ username: 'dave', displayName: 'First' }));
        await store.users
          .create(fixtureUser({ username: 'Dave', displayName: 'Second' }))
          .catch(() => undefined);
        expect(await store.users.findByUsername('dave')).toEqual(first);
      });

      it('updates the password hash', async () => {
        const u = await store.users.create(fixtureUser());
        const at = new Date(t0.getTime() + 1000);
        expect(await store.users.updatePasswordHash(u.id, 'new-hash', at)).toBe(true);
        const found = await store.users.findById(u.id);
        expect(found?.passwordHash).toBe('new-hash');
        expect(found?.updatedAt.getTime()).toBe(at.getTime());
        expect(await store.users.updatePasswordHash(randomUUID(), 'x', at)).toBe(false);
      });
    });

    describe('sessions', () => {
      it('creates, finds, touches and revokes a session', async () => {
        const u = await store.users.create(fixtureUser());
        const s = fixtureSession(u.id);
        await store.sessions.create(s);
        expect(await store.sessions.findById(s.id)).toEqual(s);

        const later = new Date(t0.getTime() + 60_000);
        await store.sessions.touch(s.id, later);
        expect((await store.sessions.findById(s.id))?.lastUsedAt).toEqual(later);
        // Touching never moves last use backwards.
        await store.sessions.touch(s.id, t0);
        expect((await store.sessions.findById(s.id))?.lastUsedAt).toEqual(later);

        expect(await store.sessions.revoke(s.id)).toBe(true);
        expect(await store.sessions.findById(s.id)).toBeNull();
        expect(await store.sessions.revoke(s.id)).toBe(false);
      });

      it('reads a session with its user in one call, and nothing for a missing session or user', async () => {
        const u = await store.users.create(fixtureUser({ displayName: 'Ada' }));
        const s = fixtureSession(u.id);
        await store.sessions.create(s);
        expect(await store.sessions.findWithUser(s.id)).toEqual({
          session: s,
          user: await store.users.findById(u.id),
        });
        expect(await store.sessions.findWithUser(randomUUID())).toBeNull();

        const gone = await store.users.create(fixtureUser());
        const orphan = fixtureSession(gone.id);
        await store.sessions.create(orphan);
        await store.users.delete(gone.id);
        expect(await store.sessions.findWithUser(orphan.id)).toBeNull();
      });

      it('shows every change to a session or its user at the next read (SQLite answers from memory)', async () => {
        const u = await store.users.create(fixtureUser());
        const s = fixtureSession(u.id);
        await store.sessions.create(s);
        const read = () => store.sessions.findWithUser(s.id);
        // Each step reads twice first, so an adapter that keeps rows answers the second from memory.
        const twice = async () => {
          await read();
          return read();
        };

        const later = new Date(t0.getTime() + 60_000);
        await twice();
        await store.sessions.touch(s.id, later);
        expect((await read())?.session.lastUsedAt).toEqual(later);

        await twice();
        await store.users.updateProfile(u.id, { displayName: 'Renamed' }, later);
        expect((await read())?.user.displayName).toBe('Renamed');

        await twice();
        await store.users.updateAccess(u.id, { status: 'disabled' }, later);
        expect((await read())?.user.status).toBe('disabled');
        await store.users.updateAccess(u.id, { status: 'active' }, later);

        await twice();
        await store.users.updatePasswordHash(u.id, 'new-hash', later);
        expect((await read())?.user.passwordHash).toBe('new-hash');

        await twice();
        expect(await store.credentials.replacePassword(u.id, 'newer-hash', later)).not.toBeNull();
        expect(await read()).toBeNull();

        const kept = fixtureSession(u.id);
        await store.sessions.create(kept);
        expect(await store.sessions.findWithUser(kept.id)).not.toBeNull();
        expect(await store.sessions.revoke(kept.id)).toBe(true);
        expect(await store.sessions.findWithUser(kept.id)).toBeNull();

        const last = fixtureSession(u.id);
        await store.sessions.create(last);
        expect(await store.sessions.findWithUser(last.id)).not.toBeNull();
        expect(await store.sessions.revokeAllForUser(u.id)).toBe(1);
        expect(await store.sessions.findWithUser(last.id)).toBeNull();

        const beforeDeletion = fixtureSession(u.id);
        await store.sessions.create(beforeDeletion);
        expect(await store.sessions.findWithUser(beforeDeletion.id)).not.toBeNull();
        await store.users.delete(u.id);
        expect(await store.sessions.findWithUser(beforeDeletion.id)).toBeNull();
      });

      it('revokes every session of a user but the one kept, and no one else’s', async () => {
        const a = await store.users.create(fixtureUser());
        const b = await store.users.create(fixtureUser());
        const keep = fixtureSession(a.id);
        await store.sessions.create(keep);
        await store.sessions.create(fixtureSession(a.id));
        await store.sessions.create(fixtureSession(a.id));
        const other = fixtureSession(b.id);
        await store.sessions.create(other);

        expect(await store.sessions.revokeAllForUser(a.id, keep.id)).toBe(2);
        expect(await store.sessions.findById(keep.id)).not.toBeNull();
        expect(await store.sessions.findById(other.id)).not.toBeNull();
        expect(await store.sessions.revokeAllForUser(a.id)).toBe(1);
        expect(await store.sessions.findById(keep.id)).toBeNull();
      });

      it('lists only live sessions, newest first', async () => {
        const u = await store.users.create(fixtureUser());
        const idleMs = 3_600_000;
        const now = new Date(t0.getTime() + 2 * idleMs);
        const older = fixtureSession(u.id, { createdAt: new Date(now.getTime() - 10_000), lastUsedAt: now });
        const newer = fixtureSession(u.id, { createdAt: new Date(now.getTime() - 5_000), lastUsedAt: now });
        const idle = fixtureSession(u.id, { lastUsedAt: t0 });
        const expired = fixtureSession(u.id, { lastUsedAt: now, expiresAt: now });
        for (const s of [older, newer, idle, expired]) {
          await store.sessions.create(s);
        }
        const live = await store.sessions.listActiveForUser(u.id, now, idleMs);
        expect(live.map((s) => s.id)).toEqual([newer.id, older.id]);

        expect(await store.sessions.purgeExpired(now, idleMs)).toBe(2);
        expect(await store.sessions.findById(idle.id)).toBeNull();
        expect(await store.sessions.findById(expired.id)).toBeNull();
        expect(await store.sessions.findById(newer.id)).not.toBeNull();
      });
    });

    describeResetAndActivityContract(() => store);
    describeCredentialContract(() => store);
    describePromptContract(() => store);
    describeHistoryContract(() => store);
    describeThreadContract(() => store);
    describeOutboxContract(() => store);
    describeAdminContract(() => store);
    describeInstanceContract(() => store);
    describeCounterContract(() => store);
    describeUsageContract(() => store);
    describeRepairContract(() => store);
    describePreferenceContract(() => store);
    describeBulkContract(() => store);

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
