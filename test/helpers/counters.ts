import { afterEach } from 'vitest';
import type { CounterRepository } from '../../src/server/store/counters.port.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';

/**
 * Shared counters on a fresh in-memory SQLite store, for the unit tests of
 * the limits (the same adapter the app uses). Call at the top of a test
 * file: each call returns a new, empty repository, closed after the test.
 */
export function useMemoryCounters(): () => CounterRepository {
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  return () => {
    const store = SqliteStore.open(':memory:');
    stores.push(store);
    return store.counters;
  };
}
