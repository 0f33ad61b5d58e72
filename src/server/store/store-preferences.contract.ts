import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from './store.port.js';
import { fixtureUser } from './store-fixtures.js';

/** Part of the store contract: a user's remembered choices (preferences.port.ts). */
export function describePreferenceContract(getStore: () => Store): void {
  describe('preferences', () => {
    it('has the defaults for a new user: Test and fix off, 2 rounds', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      expect(await store.preferences.get(u.id)).toEqual({ repairEnabled: false, repairRounds: 2 });
    });

    it('changes only what is given and keeps it', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const other = await store.users.create(fixtureUser());
      expect(await store.preferences.update(u.id, { repairEnabled: true })).toEqual({
        repairEnabled: true,
        repairRounds: 2,
      });
      expect(await store.preferences.update(u.id, { repairRounds: 4 })).toEqual({
        repairEnabled: true,
        repairRounds: 4,
      });
      expect(await store.preferences.update(u.id, {})).toEqual({ repairEnabled: true, repairRounds: 4 });
      expect(await store.preferences.get(u.id)).toEqual({ repairEnabled: true, repairRounds: 4 });
      expect(await store.preferences.update(u.id, { repairEnabled: false })).toEqual({
        repairEnabled: false,
        repairRounds: 4,
      });
      // Another user's are their own; the user record itself reads as before.
      expect(await store.preferences.get(other.id)).toEqual({ repairEnabled: false, repairRounds: 2 });
      expect(await store.users.findById(u.id)).toMatchObject({ id: u.id, username: u.username });
    });

    it('answers null for a user that does not exist, or no longer does', async () => {
      const store = getStore();
      expect(await store.preferences.get(randomUUID())).toBeNull();
      expect(await store.preferences.update(randomUUID(), { repairEnabled: true })).toBeNull();
      const u = await store.users.create(fixtureUser());
      await store.preferences.update(u.id, { repairRounds: 5 });
      expect(await store.users.delete(u.id)).toBe(true);
      expect(await store.preferences.get(u.id)).toBeNull();
    });
  });
}
