import { describe, expect, it } from 'vitest';
import type { Store } from './store.port.js';
import { fixtureUser, T0 } from './store-fixtures.js';
import { fixturePrompt } from './store-prompts.contract.js';

const DAY = 86_400_000;
const at = (days: number, hours = 0) => new Date(T0.getTime() + days * DAY + hours * 3_600_000);

/** Part of the store contract: usage across every user (the Admin page). */
export function describeUsageContract(getStore: () => Store): void {
  describe('usage', () => {
    it('counts every user’s runs in the range by kind, UTC day, model and user', async () => {
      const store = getStore();
      const ann = await store.users.create(fixtureUser({ username: 'ann_usage' }));
      const bob = await store.users.create(fixtureUser({ username: 'bob_usage' }));
      const cy = await store.users.create(fixtureUser({ username: 'cy_usage' }));
      const runs = [
        fixturePrompt(ann.id, { createdAt: at(1, 1), modelId: 'm-a' }),
        fixturePrompt(ann.id, { createdAt: at(1, 23), modelId: 'm-b', kind: 'explain' }),
        fixturePrompt(ann.id, { createdAt: at(2), modelId: 'm-a' }),
        fixturePrompt(bob.id, { createdAt: at(2, 5), modelId: 'm-a' }),
        fixturePrompt(cy.id, { createdAt: at(3), modelId: 'm-b' }),
        fixturePrompt(cy.id, { createdAt: at(3, 1), modelId: 'm-b' }),
        // Outside the range on either side.
        fixturePrompt(bob.id, { createdAt: at(0, 23), modelId: 'm-c' }),
        fixturePrompt(bob.id, { createdAt: at(4), modelId: 'm-c' }),
      ];
      for (const run of runs) {
        await store.prompts.create(run);
      }
      const counts = await store.usage.countBetween(at(1), at(4), 2);
      expect(counts.kinds).toEqual([
        { kind: 'explain', count: 1 },
        { kind: 'generate', count: 5 },
      ]);
      expect(counts.days).toEqual([
        { date: '2026-01-02', count: 2 },
        { date: '2026-01-03', count: 2 },
        { date: '2026-01-04', count: 2 },
      ]);
      expect(counts.byModel).toEqual([
        { modelId: 'm-a', count: 3 },
        { modelId: 'm-b', count: 3 },
      ]);
      // Ann 3, then Cy 2; Bob (1 in range) is beyond the two asked for.
      expect(counts.topUsers).toEqual([
        { userId: ann.id, username: 'ann_usage', count: 3 },
        { userId: cy.id, username: 'cy_usage', count: 2 },
      ]);
    });

    it('answers empty lists when nobody ran anything in the range', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      await store.prompts.create(fixturePrompt(u.id, { createdAt: at(10) }));
      expect(await store.usage.countBetween(at(0), at(5), 10)).toEqual({
        kinds: [],
        days: [],
        byModel: [],
        topUsers: [],
      });
    });
  });
}
