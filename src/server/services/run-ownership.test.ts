import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { InstanceRecord } from '../store/instances.port.js';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import { fixtureInstance } from '../store/store-instances.contract.js';
import { fixturePrompt } from '../store/store-prompts.contract.js';
import { fixtureUser, T0 } from '../store/store-fixtures.js';
import { INSTANCE_GONE, isGone, RunOwnership, thisProcess, type ProcessProbe } from './run-ownership.js';

const STALE_MS = 30_000;
const HOST = 'host-a pid:[4026531836]';
const at = (ms: number) => new Date(T0.getTime() + ms);

/** This process as the tests see it: pid 100 on HOST, started at T0; pids 100 and 200 are alive. */
const probe: ProcessProbe = {
  host: HOST,
  pid: 100,
  startedAt: T0,
  alive: (pid) => pid === 100 || pid === 200,
};

const instance = (overrides: Partial<InstanceRecord>) =>
  fixtureInstance({ host: HOST, pid: 200, startedAt: T0, heartbeatAt: at(10_000), ...overrides });

describe('isGone', () => {
  const now = at(20_000);

  it('keeps a live instance on this host, and itself whatever its record says', () => {
    expect(isGone(instance({}), 'self', now, STALE_MS, probe)).toBe(false);
    expect(
      isGone(instance({ id: 'self', pid: 999, heartbeatAt: at(-60_000) }), 'self', now, STALE_MS, probe),
    ).toBe(false);
  });

  it('finds an instance gone once its heartbeat is older than the stale time, on any host', () => {
    expect(isGone(instance({ heartbeatAt: at(-10_000) }), 'self', now, STALE_MS, probe)).toBe(false);
    expect(isGone(instance({ heartbeatAt: at(-10_001) }), 'self', now, STALE_MS, probe)).toBe(true);
    expect(isGone(instance({ host: 'host-b', heartbeatAt: at(-10_001) }), 'self', now, STALE_MS, probe)).toBe(
      true,
    );
  });

  it('finds an instance of this host gone at once when its process is dead (kill -9, crash)', () => {
    expect(isGone(instance({ pid: 300 }), 'self', now, STALE_MS, probe)).toBe(true);
  });

  it('finds a previous life of this very pid gone (a restarted container), not an instance of this life', () => {
    expect(isGone(instance({ pid: 100, startedAt: at(-1) }), 'self', now, STALE_MS, probe)).toBe(true);
    // Another app in this process (tests build several): started in this life, alive.
    expect(isGone(instance({ pid: 100, startedAt: T0 }), 'self', now, STALE_MS, probe)).toBe(false);
  });

  it("never judges another host's pid, which means nothing here", () => {
    expect(isGone(instance({ host: 'host-b', pid: 300 }), 'self', now, STALE_MS, probe)).toBe(false);
    expect(
      isGone(instance({ host: 'host-b', pid: 100, startedAt: at(-1) }), 'self', now, STALE_MS, probe),
    ).toBe(false);
  });
});

describe('thisProcess', () => {
  it('knows its own pid alive and a pid that cannot exist dead', () => {
    const self = thisProcess();
    expect(self.pid).toBe(process.pid);
    expect(self.alive(process.pid)).toBe(true);
    expect(self.alive(2 ** 22 + 1)).toBe(false);
    expect(self.startedAt.getTime()).toBeLessThanOrEqual(Date.now());
    // Every app of this process is of one life: none takes another for its previous one.
    expect(thisProcess().startedAt).toEqual(self.startedAt);
  });
});

describe('RunOwnership', () => {
  let store: SqliteStore;
  let clock: ManualClock;
  const warnings: unknown[] = [];
  const log: Logger = {
    error: () => undefined,
    warn: (fields: unknown) => {
      warnings.push(fields);
    },
    info: () => undefined,
    debug: () => undefined,
    child: () => log,
  };

  beforeEach(() => {
    store = SqliteStore.open(':memory:');
    clock = new ManualClock(at(20_000));
    warnings.length = 0;
  });
  afterEach(async () => {
    await store.close();
  });

  /** This process's ownership on the test store (id: a random one unless given). */
  const ownership = (id?: string) =>
    new RunOwnership({
      instances: store.instances,
      clock,
      log,
      staleMs: STALE_MS,
      probe,
      ...(id ? { id } : {}),
    });

  it('writes its heartbeat, then fails only the runs of instances gone and forgets those instances', async () => {
    const self = ownership('self');
    const others = {
      live: instance({ id: 'live' }),
      elsewhere: instance({ id: 'elsewhere', host: 'host-b', pid: 300 }),
      stale: instance({ id: 'stale', host: 'host-b', heartbeatAt: at(-20_000) }),
      killed: instance({ id: 'killed', pid: 300 }),
      previousLife: instance({ id: 'previous-life', pid: 100, startedAt: at(-5_000) }),
    };
    const user = await store.users.create(fixtureUser());
    const runs = new Map<string, string>();
    for (const other of [...Object.values(others), { id: 'self' }]) {
      if ('host' in other) {
        await store.instances.beat(other);
      }
      const run = await store.prompts.create(
        fixturePrompt(user.id, { createdAt: at(15_000), output: 'so far' }),
      );
      await store.instances.claimRun(run.id, other.id);
      runs.set(other.id, run.id);
    }

    await self.beat();
    expect(await self.sweep()).toBe(3);

    const statusOf = async (owner: string) => (await store.prompts.findById(runs.get(owner) ?? ''))?.status;
    for (const gone of ['stale', 'killed', 'previous-life']) {
      expect(await store.prompts.findById(runs.get(gone) ?? '')).toMatchObject({
        status: 'failed',
        output: 'so far',
        error: INSTANCE_GONE,
        finishedAt: clock.now(),
      });
    }
    for (const kept of ['live', 'elsewhere', 'self']) {
      expect(await statusOf(kept)).toBe('running');
    }
    expect((await store.instances.list()).map((i) => i.id).sort()).toEqual(['elsewhere', 'live', 'self']);
    expect(warnings).toEqual([{ failed: 3, instances: ['killed', 'previous-life', 'stale'] }]);

    // Time passes without heartbeats from the others: they go stale, and their runs fail; its own never do.
    clock.advance(STALE_MS + 1);
    await self.beat();
    expect(await self.sweep()).toBe(2);
    expect(await statusOf('live')).toBe('failed');
    expect(await statusOf('elsewhere')).toBe('failed');
    expect(await statusOf('self')).toBe('running');
    expect((await store.instances.list()).map((i) => i.id)).toEqual(['self']);

    await self.leave();
    expect(await store.instances.list()).toEqual([]);
  });

  it('never fails its own runs, even when another instance removed its record during a long pause', async () => {
    const self = ownership('self');
    const user = await store.users.create(fixtureUser());
    const run = await store.prompts.create(fixturePrompt(user.id, { createdAt: at(-60_000) }));
    await store.instances.claimRun(run.id, 'self');
    expect(await self.sweep()).toBe(0);
    expect((await store.prompts.findById(run.id))?.status).toBe('running');
  });

  it('fails old runs without an owner (a crash before the claim, a record from before owners)', async () => {
    const self = ownership();
    const user = await store.users.create(fixtureUser());
    const old = await store.prompts.create(fixturePrompt(user.id, { createdAt: at(-20_000) }));
    const young = await store.prompts.create(fixturePrompt(user.id, { createdAt: at(0) }));
    await self.beat();
    expect(await self.sweep()).toBe(1);
    expect((await store.prompts.findById(old.id))?.status).toBe('failed');
    expect((await store.prompts.findById(young.id))?.status).toBe('running');
    expect(self.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
