import { describe, expect, it } from 'vitest';
import { duplicateKey, findBatch, useFakeMongoStore } from '../../../../test/helpers/fake-mongo-store.js';
import { storedKey } from '../counters.port.js';

/**
 * The shared counters over the wire protocol (the stand-in server has no
 * query engine: it checks what is asked and serves documents). Their
 * behaviour is the contract suite's, against a real MongoDB when
 * MONGODB_TEST_URI is set.
 */
const open = useFakeMongoStore();
const MINUTE = 60_000;
const NOW = Date.UTC(2026, 0, 1);
/** A key as the store keeps it: its digest, never the user id, email or address it names. */
const K = storedKey('login:account:user:u1');
const digest = (slot: { id: string; group: string; expiresAt: number }) => ({
  ...slot,
  id: storedKey(slot.id),
  group: storedKey(slot.group),
});

describe('mongo counters over the wire protocol', () => {
  it('records a hit in one atomic upsert that keeps the latest events and moves the expiry', async () => {
    const { server, store } = await open((c) =>
      c.findAndModify === 'counters'
        ? { ok: 1, value: { _id: K, times: [NOW - 2 * MINUTE, NOW - 1_000, NOW] } }
        : undefined,
    );
    expect(await store.counters.hit('login:account:user:u1', NOW, MINUTE, 5)).toEqual([NOW - 1_000, NOW]);
    const command = server.commands.find((c) => c.findAndModify === 'counters');
    expect(command).toMatchObject({
      query: { _id: K },
      update: {
        $push: { times: { $each: [NOW], $slice: -5 } },
        $max: { expiresAt: new Date(NOW + MINUTE) },
      },
      upsert: true,
      new: true,
    });
  });

  it('puts the tryHit check in the filter, and reads the wait when the upsert collides (window full)', async () => {
    const { server, store } = await open((c) => {
      if (c.update === 'counters') {
        return duplicateKey('counters', K);
      }
      return c.find === 'counters'
        ? findBatch('counters', [{ _id: K, times: [NOW - 40_000, NOW - 1] }])
        : undefined;
    });
    expect(await store.counters.tryHit('login:account:user:u1', NOW, MINUTE, 2)).toBe(20_000);
    const update = server.commands.find((c) => c.update === 'counters');
    expect(update?.updates).toEqual([
      expect.objectContaining({
        q: { _id: K, $or: [{ 'times.1': { $exists: false } }, { 'times.0': { $lte: NOW - MINUTE } }] },
        u: { $push: { times: { $each: [NOW], $slice: -2 } }, $max: { expiresAt: new Date(NOW + MINUTE) } },
        upsert: true,
      }),
    ]);
  });

  it('refuses a key that is an operator rather than a string', async () => {
    const { store } = await open();
    await expect(store.counters.read({ $gt: '' } as unknown as string, NOW, MINUTE)).rejects.toThrow();
  });

  it('takes a slot with a compare-and-set on the owner document version', async () => {
    const held = digest({ id: 'r1', group: 'r1', expiresAt: NOW + MINUTE });
    const { server, store } = await open((c) => {
      if (c.find === 'run_slots') {
        return findBatch('run_slots', [
          { _id: storedKey('u1'), slots: [held], version: 7, expiresAt: new Date(NOW) },
        ]);
      }
      return c.update === 'run_slots' ? { ok: 1, n: 1, nModified: 1 } : undefined;
    });
    const request = {
      owner: 'u1',
      id: 'r2',
      group: 'r2',
      maxGroups: 2,
      maxPerGroup: 5,
      now: NOW,
      leaseMs: MINUTE,
    };
    expect(await store.counters.acquireSlot(request)).toEqual({ granted: true });
    const update = server.commands.find((c) => c.update === 'run_slots');
    expect(update?.updates).toEqual([
      expect.objectContaining({
        q: { _id: storedKey('u1'), version: 7 },
        u: {
          $set: {
            slots: [held, digest({ id: 'r2', group: 'r2', expiresAt: NOW + MINUTE })],
            version: 8,
            expiresAt: new Date(NOW + MINUTE),
          },
        },
      }),
    ]);
    // Full: refused from the read alone, nothing written.
    const before = server.commands.filter((c) => c.update === 'run_slots').length;
    expect(await store.counters.acquireSlot({ ...request, id: 'r3', group: 'r3', maxGroups: 1 })).toEqual({
      granted: false,
      reason: 'slots_full',
      slots: 1,
    });
    expect(server.commands.filter((c) => c.update === 'run_slots')).toHaveLength(before);
  });

  it('keeps a secret with an insert-if-absent upsert and reads the stored value', async () => {
    const { server, store } = await open((c) => {
      if (c.update === 'shared_secrets') {
        return duplicateKey('shared_secrets', 'session');
      }
      return c.find === 'shared_secrets'
        ? findBatch('shared_secrets', [{ _id: 'session', value: 'the-winner', createdAt: new Date(NOW) }])
        : undefined;
    });
    expect(await store.counters.keepSecret('session', 'mine', NOW)).toBe('the-winner');
    const update = server.commands.find((c) => c.update === 'shared_secrets');
    expect(update?.updates).toEqual([
      expect.objectContaining({
        q: { _id: 'session' },
        u: { $setOnInsert: { value: 'mine', createdAt: new Date(NOW) } },
        upsert: true,
      }),
    ]);
  });
});
