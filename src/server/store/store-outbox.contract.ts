import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ActivityKind, ActivityRecord, OutboxRecord, Store } from './store.port.js';
import { fixtureUser, T0 } from './store-fixtures.js';

const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

/** A pending mail of `userId`, due at T0. */
export function fixtureOutbox(userId: string, overrides: Partial<OutboxRecord> = {}): OutboxRecord {
  return {
    id: randomUUID(),
    userId,
    purpose: 'password-reset',
    payload: 'sealed:' + randomUUID(),
    tokenId: randomUUID(),
    attempts: 0,
    nextAttemptAt: T0,
    createdAt: T0,
    lastError: null,
    ...overrides,
  };
}

/** Part of the store contract: the mail outbox and the activity log's security events. */
export function describeOutboxContract(getStore: () => Store): void {
  describe('outbox', () => {
    it('lists due mail earliest first, up to a limit, and tells when the next is due', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      expect(await store.outbox.nextDueAt()).toBeNull();
      const later = fixtureOutbox(u.id, { nextAttemptAt: at(10) });
      const first = fixtureOutbox(u.id, { nextAttemptAt: at(1), tokenId: null });
      const second = fixtureOutbox(u.id, {
        nextAttemptAt: at(2),
        attempts: 2,
        lastError: 'connection refused',
      });
      for (const m of [later, second, first]) {
        await store.outbox.add(m);
      }
      expect(await store.outbox.nextDueAt()).toEqual(at(1));
      expect(await store.outbox.listDue(at(0), 10)).toEqual([]);
      expect(await store.outbox.listDue(at(2), 10)).toEqual([first, second]);
      expect(await store.outbox.listDue(at(60), 1)).toEqual([first]);
      expect(await store.outbox.listForUser(u.id)).toEqual([first, second, later]);
    });

    it('reschedules a failed try and deletes a sent mail', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const m = fixtureOutbox(u.id);
      await store.outbox.add(m);
      expect(await store.outbox.reschedule(m.id, 1, at(5), 'greeting never came')).toBe(true);
      expect(await store.outbox.listDue(at(4), 10)).toEqual([]);
      expect(await store.outbox.listDue(at(5), 10)).toEqual([
        { ...m, attempts: 1, nextAttemptAt: at(5), lastError: 'greeting never came' },
      ]);
      expect(await store.outbox.delete(m.id)).toBe(true);
      expect(await store.outbox.delete(m.id)).toBe(false);
      expect(await store.outbox.reschedule(m.id, 2, at(9), 'gone')).toBe(false);
      expect(await store.outbox.nextDueAt()).toBeNull();
    });

    it('gives each due mail to one claimer only, earliest first, and tells when the leases end', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const due = [1, 2, 3, 4, 5].map((m) => fixtureOutbox(u.id, { nextAttemptAt: at(m) }));
      const later = fixtureOutbox(u.id, { nextAttemptAt: at(30) });
      for (const m of [later, ...due]) {
        await store.outbox.add(m);
      }
      const lease = 10 * MINUTE;
      // Two instances' sender passes at the same moment.
      const [a, b] = await Promise.all([
        store.outbox.claimDue(at(5), 'instance-a', lease, 3),
        store.outbox.claimDue(at(5), 'instance-b', lease, 3),
      ]);
      const ids = (list: OutboxRecord[]) => list.map((m) => m.id);
      expect([a.length, b.length].sort()).toEqual([2, 3]);
      expect(new Set([...ids(a), ...ids(b)])).toEqual(new Set(ids(due)));
      // Each gets its mail as it was when due, earliest first.
      for (const won of [a, b]) {
        expect(won).toEqual(due.filter((m) => ids(won).includes(m.id)));
      }
      expect(await store.outbox.claimDue(at(5), 'instance-c', lease, 10)).toEqual([]);
      expect(await store.outbox.listDue(at(14), 10)).toEqual([]);
      expect(await store.outbox.nextDueAt()).toEqual(at(15));
      expect(await store.outbox.claimDue(at(0), 'instance-c', lease, 0)).toEqual([]);
    });

    it("makes a mail due again when its claimer's lease runs out, and honours only the holder's claim", async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const m = fixtureOutbox(u.id);
      await store.outbox.add(m);
      const lease = 10 * MINUTE;
      expect(await store.outbox.claimDue(at(0), 'instance-a', lease, 10)).toEqual([m]);
      expect(await store.outbox.claimDue(at(9), 'instance-b', lease, 10)).toEqual([]);
      // Instance A died mid-send: at the lease's end the mail is due, and B takes it.
      const taken = await store.outbox.claimDue(at(10), 'instance-b', lease, 10);
      expect(taken).toEqual([{ ...m, nextAttemptAt: at(10) }]);
      // A's late answers change nothing: the claim is B's.
      expect(await store.outbox.reschedule(m.id, 1, at(11), 'late', 'instance-a')).toBe(false);
      expect(await store.outbox.delete(m.id, 'instance-a')).toBe(false);
      expect(await store.outbox.listForUser(u.id)).toEqual([{ ...m, nextAttemptAt: at(20) }]);
      expect(await store.outbox.delete(m.id, 'instance-b')).toBe(true);
      expect(await store.outbox.delete(m.id, 'instance-b')).toBe(false);
    });

    it('releases the claim with a retry its owner schedules; a delete without owner takes a claimed mail', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const m = fixtureOutbox(u.id);
      const other = fixtureOutbox(u.id);
      await store.outbox.add(m);
      await store.outbox.add(other);
      const lease = 10 * MINUTE;
      expect(await store.outbox.claimDue(at(0), 'instance-a', lease, 10)).toHaveLength(2);
      expect(await store.outbox.reschedule(m.id, 1, at(2), 'connection refused', 'instance-a')).toBe(true);
      const retry = { ...m, attempts: 1, nextAttemptAt: at(2), lastError: 'connection refused' };
      expect(await store.outbox.nextDueAt()).toEqual(at(2));
      // Released: due at the retry's time, for anyone, and no longer A's.
      expect(await store.outbox.claimDue(at(2), 'instance-b', lease, 10)).toEqual([retry]);
      expect(await store.outbox.reschedule(m.id, 2, at(3), 'again', 'instance-a')).toBe(false);
      expect(await store.outbox.delete(m.id, 'instance-b')).toBe(true);
      // The account's deletion and db:copy remove mail whoever holds it.
      expect(await store.outbox.delete(other.id)).toBe(true);
      expect(await store.outbox.nextDueAt()).toBeNull();
    });

    it("goes with its account, and no one else's", async () => {
      const store = getStore();
      const a = await store.users.create(fixtureUser());
      const b = await store.users.create(fixtureUser());
      await store.outbox.add(fixtureOutbox(a.id));
      await store.outbox.add(fixtureOutbox(a.id, { nextAttemptAt: at(3) }));
      const kept = fixtureOutbox(b.id);
      await store.outbox.add(kept);
      expect(await store.users.delete(a.id)).toBe(true);
      expect(await store.outbox.listForUser(a.id)).toEqual([]);
      expect(await store.outbox.listDue(at(60), 10)).toEqual([kept]);
    });
  });

  describe('activity log: security events', () => {
    it('lists the newest entries of the asked kinds however many others came after', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const other = await store.users.create(fixtureUser());
      const entry = (kind: ActivityKind, minutes: number, userId = u.id): ActivityRecord => ({
        id: randomUUID(),
        userId,
        kind,
        createdAt: at(minutes),
        ip: '203.0.113.9',
        userAgent: null,
        details: {},
      });
      const emailChanged = entry('email_changed', 1);
      const signIn = entry('sign_in', 2);
      await store.activity.append(emailChanged);
      await store.activity.append(signIn);
      for (let i = 0; i < 40; i++) {
        await store.activity.append(entry('generation', 3 + i));
      }
      await store.activity.append(entry('email_changed', 50, other.id));
      const security = await store.activity.listKindsForUser(u.id, ['email_changed', 'sign_in'], 10);
      expect(security).toEqual([signIn, emailChanged]);
      expect(await store.activity.listKindsForUser(u.id, ['email_changed', 'sign_in'], 1)).toEqual([signIn]);
      expect(await store.activity.listKindsForUser(u.id, ['password_reset'], 10)).toEqual([]);
      expect(await store.activity.listKindsForUser(u.id, [], 10)).toEqual([]);
    });
  });
}
