import type { Config } from '../config.js';
import type { Store } from './store.port.js';
import { SqliteStore } from './sqlite/sqlite.adapter.js';

/** Picks the store adapter from DATABASE_URL (only SQLite so far; MongoDB joins it later). */
export function createStore(database: Config['database']): Promise<Store> {
  return Promise.resolve(SqliteStore.open(database.file));
}
