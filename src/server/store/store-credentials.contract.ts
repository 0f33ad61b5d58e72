import { describe, expect, it } from 'vitest';
import type { Store } from './store.port.js';
import { fixtureSession, fixtureUser, T0 } from './store-fixtures.js';
import { fixtureReset } from './store-resets.contract.js';

const LATER = new Date(T0.getTime() + 60_000);

/** Part of the store contract: password changes with the end of old sessions (credentials.port.ts). */
export function describeCredentialContract(getStore: () => Store): void {
  const token = fixtureReset;

  /** A user with two sessions, and another user with one. */
  async function seed(store: Store) {
    const user = await store.users.create(fixtureUser());
    const other = await store.users.create(fixtureUser());
    const sessions = [fixtureSession(user.id), fixtureSession(user.id)];
    for (const s of [...sessions, fixtureSession(other.id)]) {
      await store.sessions.create(s);
    }
    return { user, other, sessions };
  }

  const sessionsOf = async (store: Store, userId: string) =>
    (await store.sessions.listAllForUser(userId)).map((s) => s.id).sort();

  describe('credentials', () => {
    it('completes a reset: the token used, the new hash, every session of the user ended', async () => {
      const store = getStore();
      const { user, other } = await seed(store);
      const r = await store.passwordResets.create(token(user.id));
      expect(await store.credentials.completeReset(r.tokenHash, 'new-hash', LATER)).toEqual({
        userId: user.id,
        sessionsRevoked: 2,
      });
      expect((await store.passwordResets.findByHash(r.tokenHash))?.usedAt).toEqual(LATER);
      expect(await store.users.findById(user.id)).toMatchObject({
        passwordHash: 'new-hash',
        updatedAt: LATER,
      });
      expect(await sessionsOf(store, user.id)).toEqual([]);
      expect(await sessionsOf(store, other.id)).toHaveLength(1);
    });

    it('changes nothing for a used, expired or unknown token, and lets one of simultaneous uses win', async () => {
      const store = getStore();
      const { user, sessions } = await seed(store);
      const before = await store.users.findById(user.id);
      const used = await store.passwordResets.create(token(user.id, { usedAt: T0 }));
      const expired = await store.passwordResets.create(token(user.id, { expiresAt: LATER }));
      for (const hash of [used.tokenHash, expired.tokenHash, '0'.repeat(64)]) {
        expect(await store.credentials.completeReset(hash, 'new-hash', LATER)).toBeNull();
      }
      expect(await store.users.findById(user.id)).toEqual(before);
      expect(await sessionsOf(store, user.id)).toEqual(sessions.map((s) => s.id).sort());
      const r = await store.passwordResets.create(token(user.id));
      const results = await Promise.all([
        store.credentials.completeReset(r.tokenHash, 'hash-a', LATER),
        store.credentials.completeReset(r.tokenHash, 'hash-b', LATER),
      ]);
      expect(results.filter((x) => x !== null)).toHaveLength(1);
      const winner = results[0] === null ? 'hash-b' : 'hash-a';
      expect((await store.users.findById(user.id))?.passwordHash).toBe(winner);
    });

    it('replaces a password and ends every other session of the user, keeping the one named', async () => {
      const store = getStore();
      const { user, other, sessions } = await seed(store);
      const [kept] = sessions;
      expect(await store.credentials.replacePassword(user.id, 'new-hash', LATER, kept?.id)).toEqual({
        sessionsRevoked: 1,
      });
      expect(await store.users.findById(user.id)).toMatchObject({
        passwordHash: 'new-hash',
        updatedAt: LATER,
      });
      expect(await sessionsOf(store, user.id)).toEqual([kept?.id]);
      expect(await sessionsOf(store, other.id)).toHaveLength(1);
      expect(await store.credentials.replacePassword(user.id, 'newer-hash', LATER)).toEqual({
        sessionsRevoked: 1,
      });
      expect(await sessionsOf(store, user.id)).toEqual([]);
    });

    it('answers null for a missing user and changes nothing', async () => {
      const store = getStore();
      const { user, sessions } = await seed(store);
      expect(await store.credentials.replacePassword('no-such-user', 'new-hash', LATER)).toBeNull();
      expect(await sessionsOf(store, user.id)).toEqual(sessions.map((s) => s.id).sort());
    });
  });
}
