import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SlotRequest } from './counters.port.js';
import type { Store } from './store.port.js';

const MINUTE = 60_000;
/**
 * Tomorrow, on the real clock: MongoDB's TTL monitor deletes documents whose
 * expiresAt has passed, so the contract's times must lie ahead of it.
 */
const BASE = Date.now() + 24 * 60 * MINUTE;
const at = (ms: number) => BASE + ms;

function slot(overrides: Partial<SlotRequest> = {}): SlotRequest {
  const id = randomUUID();
  return {
    owner: 'u1',
    id,
    group: id,
    maxGroups: 2,
    maxPerGroup: 3,
    now: BASE,
    leaseMs: MINUTE,
    ...overrides,
  };
}

/** Part of the store contract: the counters, running slots and secrets every instance shares. */
export function describeCounterContract(getStore: () => Store): void {
  describe('counters', () => {
    it('records events per key and returns those inside the window, oldest first', async () => {
      const { counters } = getStore();
      const key = `k-${randomUUID()}`;
      expect(await counters.hit(key, at(0), MINUTE, 10)).toEqual([at(0)]);
      expect(await counters.hit(key, at(1_000), MINUTE, 10)).toEqual([at(0), at(1_000)]);
      expect(await counters.read(key, at(2_000), MINUTE)).toEqual([at(0), at(1_000)]);
      // The first event leaves the window a minute after it happened.
      expect(await counters.read(key, at(MINUTE), MINUTE)).toEqual([at(1_000)]);
      expect(await counters.hit(key, at(MINUTE + 1), MINUTE, 10)).toEqual([at(1_000), at(MINUTE + 1)]);
      expect(await counters.read(`other-${randomUUID()}`, at(0), MINUTE)).toEqual([]);
    });

    it('keeps only the latest `keep` events of a key', async () => {
      const { counters } = getStore();
      const key = `k-${randomUUID()}`;
      for (let i = 0; i < 5; i++) {
        await counters.hit(key, at(i), MINUTE, 3);
      }
      expect(await counters.read(key, at(5), MINUTE)).toEqual([at(2), at(3), at(4)]);
    });

    it('tryHit records only while fewer than max are in the window, and answers the wait otherwise', async () => {
      const { counters } = getStore();
      const key = `k-${randomUUID()}`;
      expect(await counters.tryHit(key, at(0), MINUTE, 2)).toBe(0);
      expect(await counters.tryHit(key, at(20_000), MINUTE, 2)).toBe(0);
      // Full: the first event leaves the window 30 s after 30 s.
      expect(await counters.tryHit(key, at(30_000), MINUTE, 2)).toBe(30_000);
      // A refusal recorded nothing.
      expect(await counters.read(key, at(30_000), MINUTE)).toEqual([at(0), at(20_000)]);
      expect(await counters.tryHit(key, at(MINUTE - 1), MINUTE, 2)).toBe(1);
      expect(await counters.tryHit(key, at(MINUTE), MINUTE, 2)).toBe(0);
      expect(await counters.read(key, at(MINUTE), MINUTE)).toEqual([at(20_000), at(MINUTE)]);
    });

    it('lets exactly max of many simultaneous tryHits through', async () => {
      const { counters } = getStore();
      const key = `k-${randomUUID()}`;
      const waits = await Promise.all(
        Array.from({ length: 12 }, (_, i) => counters.tryHit(key, at(i), MINUTE, 5)),
      );
      expect(waits.filter((w) => w === 0)).toHaveLength(5);
      expect(await counters.read(key, at(20), MINUTE)).toHaveLength(5);
    });

    it('reset forgets keys at once; other keys stay', async () => {
      const { counters } = getStore();
      const [a, b, c] = [`a-${randomUUID()}`, `b-${randomUUID()}`, `c-${randomUUID()}`];
      for (const key of [a, b, c]) {
        await counters.hit(key, at(0), MINUTE, 10);
      }
      await counters.reset([a, b]);
      expect(await counters.read(a, at(1), MINUTE)).toEqual([]);
      expect(await counters.read(b, at(1), MINUTE)).toEqual([]);
      expect(await counters.read(c, at(1), MINUTE)).toEqual([at(0)]);
    });

    it('purges counters whose window has ended and keeps the others', async () => {
      const { counters } = getStore();
      const [old, fresh] = [`old-${randomUUID()}`, `fresh-${randomUUID()}`];
      await counters.hit(fresh, at(MINUTE), MINUTE, 10);
      await counters.hit(old, at(0), MINUTE, 10);
      expect(await counters.purgeExpired(at(MINUTE))).toBeGreaterThanOrEqual(1);
      // Read as of its own time: the row itself is gone, not only its events.
      expect(await counters.read(old, at(0), MINUTE)).toEqual([]);
      expect(await counters.read(fresh, at(MINUTE), MINUTE)).toEqual([at(MINUTE)]);
    });
  });

  describe('running slots', () => {
    it('grants maxGroups slots per owner, refuses the next, and grants again once one is released', async () => {
      const { counters } = getStore();
      const owner = `u-${randomUUID()}`;
      const first = slot({ owner });
      expect(await counters.acquireSlot(first)).toEqual({ granted: true });
      expect(await counters.acquireSlot(slot({ owner }))).toEqual({ granted: true });
      expect(await counters.acquireSlot(slot({ owner }))).toEqual({
        granted: false,
        reason: 'slots_full',
        slots: 2,
      });
      // Another owner's slots are their own.
      expect(await counters.acquireSlot(slot({ owner: `v-${randomUUID()}` }))).toEqual({ granted: true });
      // peekSlot answers the same, taking nothing.
      expect(await counters.peekSlot(slot({ owner }))).toMatchObject({ granted: false, slots: 2 });
      await counters.releaseSlot(first.id);
      expect(await counters.peekSlot(slot({ owner }))).toEqual({ granted: true });
      expect(await counters.peekSlot(slot({ owner }))).toEqual({ granted: true });
      expect(await counters.acquireSlot(slot({ owner }))).toEqual({ granted: true });
    });

    it('counts a group as one slot, up to maxPerGroup runs', async () => {
      const { counters } = getStore();
      const owner = `u-${randomUUID()}`;
      const group = randomUUID();
      for (let i = 0; i < 3; i++) {
        expect(await counters.acquireSlot(slot({ owner, group, maxGroups: 1 }))).toEqual({ granted: true });
      }
      expect(await counters.acquireSlot(slot({ owner, group, maxGroups: 1 }))).toEqual({
        granted: false,
        reason: 'group_full',
      });
      expect(await counters.acquireSlot(slot({ owner, maxGroups: 1 }))).toMatchObject({
        granted: false,
        reason: 'slots_full',
      });
    });

    it('lets a lease that was not renewed expire, and keeps a renewed one', async () => {
      const { counters } = getStore();
      const owner = `u-${randomUUID()}`;
      const renewed = slot({ owner, maxGroups: 2 });
      const abandoned = slot({ owner, maxGroups: 2 });
      await counters.acquireSlot(renewed);
      await counters.acquireSlot(abandoned);
      await counters.renewSlots([renewed.id, 'unknown-run'], at(3 * MINUTE));
      const later = { owner, maxGroups: 2, now: at(2 * MINUTE) };
      // The abandoned lease ended at +1 min (its process died): its slot is free again, the renewed one is not.
      expect(await counters.acquireSlot(slot(later))).toEqual({ granted: true });
      expect(await counters.acquireSlot(slot(later))).toMatchObject({ granted: false, slots: 2 });
      expect(await counters.purgeExpired(at(2 * MINUTE))).toBeGreaterThanOrEqual(0);
      expect(await counters.acquireSlot(slot(later))).toMatchObject({ granted: false, slots: 2 });
    });

    it('grants exactly maxGroups of many simultaneous requests', async () => {
      const { counters } = getStore();
      const owner = `u-${randomUUID()}`;
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => counters.acquireSlot(slot({ owner, maxGroups: 3 }))),
      );
      expect(answers.filter((a) => a.granted)).toHaveLength(3);
    });
  });

  describe('shared secrets', () => {
    it('stores the first candidate and returns it to every later caller', async () => {
      const { counters } = getStore();
      const name = `secret-${randomUUID()}`;
      expect(await counters.readSecret(name)).toBeNull();
      expect(await counters.keepSecret(name, 'first-value', BASE)).toBe('first-value');
      expect(await counters.keepSecret(name, 'second-value', BASE)).toBe('first-value');
      expect(await counters.readSecret(name)).toBe('first-value');
    });

    it('gives every one of many simultaneous callers the same value (insert-if-absent)', async () => {
      const { counters } = getStore();
      const name = `secret-${randomUUID()}`;
      const candidates = Array.from({ length: 10 }, (_, i) => `candidate-${i}`);
      const values = await Promise.all(candidates.map((c) => counters.keepSecret(name, c, BASE)));
      expect(new Set(values).size).toBe(1);
      expect(candidates).toContain(values[0]);
    });
  });
}
