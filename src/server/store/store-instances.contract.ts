import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InstanceRecord } from './instances.port.js';
import type { Store } from './store.port.js';
import { fixtureUser, T0 } from './store-fixtures.js';
import { fixturePrompt } from './store-prompts.contract.js';

const SECOND = 1000;
const at = (seconds: number) => new Date(T0.getTime() + seconds * SECOND);
const GONE = { code: 'interrupted', message: 'The server stopped during this generation.' };

/** An instance started at T0 whose last heartbeat was at `heartbeatAt`. */
export function fixtureInstance(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id: randomUUID(),
    host: 'host-a pid:[4026531836]',
    pid: 4242,
    startedAt: T0,
    heartbeatAt: T0,
    ...overrides,
  };
}

/** Part of the store contract: instances, and the owner and stop request of running runs. */
export function describeInstanceContract(getStore: () => Store): void {
  describe('instances and run owners', () => {
    it('writes an instance heartbeat, replaces it, lists and removes instances', async () => {
      const store = getStore();
      expect(await store.instances.list()).toEqual([]);
      const a = fixtureInstance({ id: 'a-instance' });
      const b = fixtureInstance({ id: 'b-instance', host: 'host-b', pid: 1 });
      await store.instances.beat(b);
      await store.instances.beat(a);
      await store.instances.beat({ ...a, heartbeatAt: at(5) });
      expect(await store.instances.list()).toEqual([{ ...a, heartbeatAt: at(5) }, b]);
      expect(await store.instances.remove(a.id)).toBe(true);
      expect(await store.instances.remove(a.id)).toBe(false);
      expect(await store.instances.list()).toEqual([b]);
    });

    it('claims running runs only, and leaves the record as it was', async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const running = await store.prompts.create(fixturePrompt(u.id));
      const done = await store.prompts.create(fixturePrompt(u.id, { status: 'completed', finishedAt: T0 }));
      expect(await store.instances.claimRun(running.id, 'a')).toBe(true);
      expect(await store.instances.claimRun(done.id, 'a')).toBe(false);
      expect(await store.instances.claimRun(randomUUID(), 'a')).toBe(false);
      expect(await store.prompts.findById(running.id)).toEqual(running);
    });

    it("lists an owner's running runs someone asked to stop, and no one else's", async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const [mine, asked, other, finished] = [
        fixturePrompt(u.id),
        fixturePrompt(u.id),
        fixturePrompt(u.id),
        fixturePrompt(u.id),
      ];
      for (const p of [mine, asked, other, finished]) {
        await store.prompts.create(p);
      }
      await store.instances.claimRun(mine.id, 'a');
      await store.instances.claimRun(asked.id, 'a');
      await store.instances.claimRun(other.id, 'b');
      await store.instances.claimRun(finished.id, 'a');
      expect(await store.instances.cancelRequested('a')).toEqual([]);

      expect(await store.instances.requestCancel(asked.id, at(1))).toBe(true);
      // Asking twice is no error.
      expect(await store.instances.requestCancel(asked.id, at(2))).toBe(true);
      expect(await store.instances.requestCancel(other.id, at(1))).toBe(true);
      expect(await store.instances.requestCancel(finished.id, at(1))).toBe(true);
      await store.prompts.finish(finished.id, { ...finished, status: 'cancelled', finishedAt: at(2) });
      expect(await store.instances.requestCancel(finished.id, at(3))).toBe(false);
      expect(await store.instances.requestCancel(randomUUID(), at(3))).toBe(false);

      expect(await store.instances.cancelRequested('a')).toEqual([asked.id]);
      expect(await store.instances.cancelRequested('b')).toEqual([other.id]);
      expect(await store.instances.cancelRequested('c')).toEqual([]);
      // The record shows nothing of it: the owner stops the run and saves how it ended.
      expect(await store.prompts.findById(asked.id)).toEqual(asked);
    });

    it("fails the runs of gone instances and old runs without a live owner, never a live instance's", async () => {
      const store = getStore();
      const u = await store.users.create(fixtureUser());
      const cutoff = at(60);
      const old = { createdAt: at(0) };
      const young = { createdAt: at(90) };
      const runs = {
        ofGone: fixturePrompt(u.id, { ...young, output: 'def add(a, b):', completionTokens: 5 }),
        ofLive: fixturePrompt(u.id, old),
        unownedOld: fixturePrompt(u.id, old),
        unownedYoung: fixturePrompt(u.id, young),
        unknownOwnerOld: fixturePrompt(u.id, old),
        // An instance that started after the list was read: its runs are younger than the cut-off.
        unknownOwnerYoung: fixturePrompt(u.id, young),
        finishedOfGone: fixturePrompt(u.id, { ...old, status: 'completed', output: 'ok', finishedAt: at(1) }),
      };
      for (const p of Object.values(runs)) {
        await store.prompts.create(p);
      }
      await store.instances.claimRun(runs.ofGone.id, 'gone');
      await store.instances.claimRun(runs.ofLive.id, 'live');
      await store.instances.claimRun(runs.unknownOwnerOld.id, 'unknown');
      await store.instances.claimRun(runs.unknownOwnerYoung.id, 'newcomer');

      const failed = await store.instances.failOrphanedRuns(
        { gone: ['gone'], live: ['live'], createdBefore: cutoff },
        GONE,
        at(100),
      );
      expect(failed).toBe(3);
      const failure = { status: 'failed', error: GONE, finishedAt: at(100) };
      expect(await store.prompts.findById(runs.ofGone.id)).toEqual({ ...runs.ofGone, ...failure });
      expect(await store.prompts.findById(runs.unownedOld.id)).toEqual({ ...runs.unownedOld, ...failure });
      expect(await store.prompts.findById(runs.unknownOwnerOld.id)).toEqual({
        ...runs.unknownOwnerOld,
        ...failure,
      });
      for (const kept of [runs.ofLive, runs.unownedYoung, runs.unknownOwnerYoung, runs.finishedOfGone]) {
        expect(await store.prompts.findById(kept.id)).toEqual(kept);
      }
      // Nothing left to fail: a second sweep changes nothing.
      expect(
        await store.instances.failOrphanedRuns(
          { gone: ['gone'], live: ['live'], createdBefore: cutoff },
          GONE,
          at(200),
        ),
      ).toBe(0);
    });
  });
}
