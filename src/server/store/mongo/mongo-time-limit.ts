/**
 * The server-side time limit (maxTimeMS) of the reads that can touch many
 * documents of one user: history search and profile stats. Past it the
 * server stops the operation and the request answers 503 store_timeout
 * (translateError in mongo-errors.ts maps MaxTimeMSExpired, as any other
 * driver error, at the boundary) instead of holding a connection of the pool
 * for as long as a scan takes.
 */
export const QUERY_TIME_LIMIT_MS = 5_000;
