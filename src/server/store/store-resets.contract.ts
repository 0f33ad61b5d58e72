import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ActivityRecord, PasswordResetRecord, Store } from './store.port.js';
import { fixtureUser, T0 } from './store-fixtures.js';

const HOUR = 3_600_000;

/** An unused reset token of `userId` with a random hash, created at T0, valid for an hour. */
export function fixtureReset(
  userId: string,
  overrides: Partial<PasswordResetRecord> = {},
): PasswordResetRecord {
  return {
    id: randomUUID(),
    userId,
    tokenHash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
    createdAt: T0,
    expiresAt: new Date(T0.getTime() + HOUR),
    usedAt: null,
    ...overrides,
  };
}

/** Part of the store contract: password resets and the activity log. */
export function describeResetAndActivityContract(getStore: () => Store): void {
  const reset = fixtureReset;

  describe('password resets', () => {
    it('creates a reset and finds it by its hash', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const r = reset(u.id);
      await store.passwordResets.create(r);
      expect(await store.passwordResets.findByHash(r.tokenHash)).toEqual(r);
      expect(await store.passwordResets.findByHash('0'.repeat(64))).toBeNull();
    });

    it('consumes a token once: the first call gets it, later calls get null', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const r = await store.passwordResets.create(reset(u.id));
      const at = new Date(T0.getTime() + 60_000);
      const results = await Promise.all([
        store.passwordResets.consume(r.tokenHash, at),
        store.passwordResets.consume(r.tokenHash, at),
        store.passwordResets.consume(r.tokenHash, at),
      ]);
      expect(results.filter((x) => x !== null)).toHaveLength(1);
      expect(results.find((x) => x !== null)).toEqual({ ...r, usedAt: at });
      expect((await store.passwordResets.findByHash(r.tokenHash))?.usedAt).toEqual(at);
    });

    it('does not consume an expired token', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const r = await store.passwordResets.create(reset(u.id));
      expect(await store.passwordResets.consume(r.tokenHash, r.expiresAt)).toBeNull();
      expect((await store.passwordResets.findByHash(r.tokenHash))?.usedAt).toBeNull();
    });

    it("invalidates a user's unused tokens except the one kept, and no one else's", async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      const old1 = await store.passwordResets.create(reset(a.id));
      const old2 = await store.passwordResets.create(reset(a.id));
      const keep = await store.passwordResets.create(reset(a.id));
      const other = await store.passwordResets.create(reset(b.id));
      const at = new Date(T0.getTime() + 1000);
      expect(await store.passwordResets.invalidateUnused(a.id, at, keep.id)).toBe(2);
      expect(await store.passwordResets.consume(old1.tokenHash, at)).toBeNull();
      expect(await store.passwordResets.consume(old2.tokenHash, at)).toBeNull();
      expect(await store.passwordResets.consume(other.tokenHash, at)).not.toBeNull();
      expect(await store.passwordResets.consume(keep.tokenHash, at)).not.toBeNull();
    });

    it('deletes one token and purges expired ones', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const gone = await store.passwordResets.create(reset(u.id));
      const expired = await store.passwordResets.create(reset(u.id, { expiresAt: T0 }));
      const live = await store.passwordResets.create(reset(u.id));
      expect(await store.passwordResets.delete(gone.id)).toBe(true);
      expect(await store.passwordResets.delete(gone.id)).toBe(false);
      expect(await store.passwordResets.findByHash(gone.tokenHash)).toBeNull();
      expect(await store.passwordResets.purgeExpired(new Date(T0.getTime() + 1))).toBe(1);
      expect(await store.passwordResets.findByHash(expired.tokenHash)).toBeNull();
      expect(await store.passwordResets.findByHash(live.tokenHash)).not.toBeNull();
    });
  });

  describe('activity log', () => {
    it("appends entries and lists a user's newest first, with every field, within the limit", async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      const entries = [0, 1, 2].map((i): ActivityRecord => ({
        id: randomUUID(),
        userId: a.id,
        kind: i === 1 ? 'sign_out' : 'sign_in',
        createdAt: new Date(T0.getTime() + i * 1000),
        ip: i === 2 ? null : '203.0.113.7',
        userAgent: i === 2 ? null : 'Firefox',
        details: i === 0 ? { via: 'admin-cli', count: 2, ok: true, none: null } : {},
      }));
      for (const e of entries) {
        await store.activity.append(e);
      }
      await store.activity.append({ ...entries[0], id: randomUUID(), userId: b.id } as ActivityRecord);
      expect(await store.activity.listForUser(a.id, 10)).toEqual([...entries].reverse());
      expect(await store.activity.listForUser(a.id, 2)).toEqual([entries[2], entries[1]]);
      expect(await store.activity.listForUser(b.id, 10)).toHaveLength(1);
    });
  });
}
