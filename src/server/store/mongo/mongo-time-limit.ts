import { MongoServerError } from 'mongodb';
import { StoreTimeoutError } from '../../errors.js';
import { atBoundary } from './mongo-errors.js';

/**
 * The server-side time limit (maxTimeMS) of the reads that can touch many
 * documents of one user: history search and profile stats. Past it the
 * server stops the operation and the request answers 503 store_timeout
 * instead of holding a connection of the pool for as long as a scan takes.
 */
export const QUERY_TIME_LIMIT_MS = 5_000;

/** MaxTimeMSExpired: the server stopped an operation at its maxTimeMS. */
const MAX_TIME_MS_EXPIRED = 50;

export function isTimeLimitExpired(error: unknown): boolean {
  return (
    error instanceof MongoServerError &&
    (error.code === MAX_TIME_MS_EXPIRED || error.codeName === 'MaxTimeMSExpired')
  );
}

/** `atBoundary` for a time-limited read: MaxTimeMSExpired becomes StoreTimeoutError. */
export async function timeLimited<T>(operation: () => Promise<T>): Promise<T> {
  return atBoundary(async () => {
    try {
      return await operation();
    } catch (error) {
      throw isTimeLimitExpired(error) ? new StoreTimeoutError() : error;
    }
  });
}
