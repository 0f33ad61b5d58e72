import { describe, expect, it } from 'vitest';
import { StoreBusyError, StoreFullError, StoreUnavailableError } from '../errors.js';
import type { Store } from '../store/store.port.js';
import { StoreHealth } from './store-health.service.js';

/** A store whose write check answers what the test says, counting the checks. */
function storeWith(outcomes: (Error | undefined)[]) {
  let checks = 0;
  const store = {
    checkWrite(): Promise<void> {
      const outcome = outcomes[Math.min(checks, outcomes.length - 1)];
      checks++;
      return outcome ? Promise.reject(outcome) : Promise.resolve();
    },
  } as unknown as Store;
  return { store, checks: () => checks };
}

describe('StoreHealth', () => {
  it('reports the write fault by its code and message, and ok as undefined', async () => {
    let now = 0;
    const { store } = storeWith([new StoreBusyError(), undefined]);
    const health = new StoreHealth(store, { now: () => now });
    await expect(health.condition()).resolves.toEqual({
      code: 'store_busy',
      message: new StoreBusyError().message,
    });
    now += 1000;
    await expect(health.condition()).resolves.toBeUndefined();
  });

  it('checks at most once a second however many ask, sharing the check in flight', async () => {
    let now = 0;
    const { store, checks } = storeWith([new StoreFullError(), undefined]);
    const health = new StoreHealth(store, { now: () => now });
    const answers = await Promise.all(Array.from({ length: 50 }, () => health.condition()));
    expect(new Set(answers.map((a) => a?.code))).toEqual(new Set(['store_full']));
    now += 999;
    expect((await health.condition())?.code).toBe('store_full');
    expect(checks()).toBe(1);
    now += 1;
    expect(await health.condition()).toBeUndefined();
    expect(checks()).toBe(2);
  });

  it('passes other errors on (the route answers 503 store_unavailable) and does not cache them', async () => {
    const { store, checks } = storeWith([new StoreUnavailableError(), undefined]);
    const health = new StoreHealth(store, { now: () => 0 });
    await expect(health.condition()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(health.condition()).resolves.toBeUndefined();
    expect(checks()).toBe(2);
  });

  it('is ok for a store without a write check', async () => {
    const health = new StoreHealth({} as Store);
    await expect(health.condition()).resolves.toBeUndefined();
  });
});
