import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { describeTarget, isMongoUrl, parseMongoUri } from './mongo/mongo-uri.js';
import type { Store } from './store.port.js';

/**
 * Opens the store DATABASE_URL names: the embedded SQLite file, or MongoDB
 * (Atlas or self-hosted). Each driver is imported only when it is used, so
 * SQLite installs never load the MongoDB driver and the reverse.
 */
export async function createStore(
  database: Config['database'],
  options: { log?: Logger; busyTimeoutMs?: number; maxPoolSize?: number; indexTimeoutMs?: number } = {},
): Promise<Store> {
  switch (database.kind) {
    case 'sqlite': {
      const { SqliteStore } = await import('./sqlite/sqlite.adapter.js');
      // Durable: an acknowledged account, session or password change survives a power cut (issue 13).
      return SqliteStore.open(database.file, { busyTimeoutMs: options.busyTimeoutMs, durableWrites: true });
    }
    case 'mongodb': {
      const { MongoStore } = await import('./mongo/mongo.adapter.js');
      return MongoStore.connect(database.url, {
        log: options.log,
        maxPoolSize: options.maxPoolSize,
        indexTimeoutMs: options.indexTimeoutMs,
      });
    }
  }
}

/** Where the store is, for logs: the file, or "mongodb" (the URL may hold a password). */
export function describeStore(database: Config['database']): Record<string, string> {
  return database.kind === 'sqlite' ? { store: 'sqlite', file: database.file } : { store: 'mongodb' };
}

/**
 * The store a DATABASE_URL names: `sqlite:<file>` (resolved from `cwd`) or a
 * MongoDB connection string; undefined for anything else.
 */
export function databaseFromUrl(url: string, cwd = process.cwd()): Config['database'] | undefined {
  if (url.startsWith('sqlite:')) {
    return { kind: 'sqlite', file: path.resolve(cwd, url.slice('sqlite:'.length)) };
  }
  return isMongoUrl(url) ? { kind: 'mongodb', url } : undefined;
}

/** The store for people: `sqlite:<file>`, or the MongoDB hosts and database without credentials. */
export function describeDatabase(database: Config['database']): string {
  return database.kind === 'sqlite'
    ? `sqlite:${database.file}`
    : `mongodb ${describeTarget(parseMongoUri(database.url))}`;
}
