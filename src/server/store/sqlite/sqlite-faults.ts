import Database from 'better-sqlite3';
import { StoreBusyError, StoreFullError, StoreReadOnlyError } from '../../errors.js';

/** A storage fault the app answers in its own words, rather than with a bare 500. */
export type SqliteFault = 'busy' | 'full' | 'read_only';

/**
 * The fault a driver error stands for, by its result code (never its
 * message); undefined for every other error. Extended codes
 * (`SQLITE_BUSY_SNAPSHOT`, `SQLITE_IOERR_WRITE` ...) count as their primary
 * code, as https://sqlite.org/rescode.html groups them.
 */
export function sqliteFault(error: unknown): SqliteFault | undefined {
  if (!(error instanceof Database.SqliteError)) {
    return undefined;
  }
  const primary = error.code.split('_').slice(0, 2).join('_');
  switch (primary) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'busy';
    case 'SQLITE_FULL':
      return 'full';
    // A read-only file or mount, a disk that fails writes, a journal that cannot be created.
    case 'SQLITE_READONLY':
    case 'SQLITE_IOERR':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
      return 'read_only';
    default:
      return undefined;
  }
}

/** The typed error a driver error becomes at the adapter's boundary; other errors as they are. */
export function translateSqliteError(error: unknown): unknown {
  switch (sqliteFault(error)) {
    case 'busy':
      return new StoreBusyError();
    case 'full':
      return new StoreFullError();
    case 'read_only':
      return new StoreReadOnlyError();
    case undefined:
      return error;
  }
}

/** How long a statement that finds the database locked keeps trying, and how it waits. */
export interface BusyPolicy {
  /** Give up (StoreBusyError) once this much time has passed since the first try. */
  timeoutMs: number;
  /** Milliseconds now; injectable for tests. */
  now?: () => number;
}

/** The first and the longest wait between two tries: short, so a released lock is taken quickly. */
const FIRST_WAIT_MS = 2;
const LONGEST_WAIT_MS = 50;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it does not find the database locked. better-sqlite3
 * is synchronous, so SQLite's own busy_timeout would wait inside the event
 * loop and freeze every request (issue 13); here the connection's
 * busy_timeout is 0, each try fails at once, and the waits between tries are
 * timers, so other requests run meanwhile. Safe because a statement or
 * transaction that meets SQLITE_BUSY has changed nothing (better-sqlite3
 * rolls a failed transaction back). Other faults are translated at once.
 */
export async function retryWhileBusy<T>(attempt: () => T | Promise<T>, policy: BusyPolicy): Promise<T> {
  const now = policy.now ?? Date.now;
  const deadline = now() + policy.timeoutMs;
  let wait = FIRST_WAIT_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (sqliteFault(error) !== 'busy') {
        throw translateSqliteError(error);
      }
      const left = deadline - now();
      if (left <= 0) {
        throw new StoreBusyError();
      }
      await pause(Math.min(wait, left));
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
  }
}

/** What a guarded repository does besides retrying and translating. */
export interface GuardOptions extends BusyPolicy {
  /** Runs around every call, e.g. to commit these writes with synchronous=FULL. */
  around?: <T>(call: () => T) => T;
  /** Read-only methods: run without `around` (a read commits nothing, so there is nothing to make durable). */
  reads?: readonly string[];
  /** Methods that give up at once when the database is locked, resolving to undefined (best-effort writes). */
  skipWhenBusy?: readonly string[];
  /** Runs after a method succeeds, before its result is reported; its errors are reported instead. */
  after?: Readonly<Record<string, () => Promise<void>>>;
}

type AnyMethod = (...args: unknown[]) => unknown;

/** A driver error as the typed error it stands for, rejected (only a failed call pays for the async function). */
async function rejectTranslated(error: unknown): Promise<never> {
  throw translateSqliteError(error);
}

/** The call's outcome as a promise: a returned promise as it is (no extra layer), a value resolved. */
function settle(outcome: unknown): Promise<unknown> {
  return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
}

/**
 * The repository with every method run through retryWhileBusy and the
 * fault translation. A proxy, so a method added to a repository is guarded
 * without being listed; methods call each other on the bare repository, so
 * nothing is retried twice.
 *
 * The first try runs at once and costs one promise layer: the retry loop
 * starts only once a try has met SQLITE_BUSY (issue 13: a read in WAL mode
 * practically never does, and every signed-in request reads its session:
 * two async layers per call, 0.36 µs against 0.15 µs now). Same outcomes as
 * running every call through retryWhileBusy: a busy first try is tried again
 * until the deadline, every other driver error is translated.
 */
export function guardRepository<T extends object>(repo: T, options: GuardOptions): T {
  const around = options.around ?? (<R>(call: () => R): R => call());
  const skip = new Set(options.skipWhenBusy ?? []);
  const wrapped = new Map<PropertyKey, AnyMethod>();
  return new Proxy(repo, {
    get(target, prop) {
      const member: unknown = Reflect.get(target, prop, target);
      if (typeof member !== 'function' || prop === 'constructor') {
        return member;
      }
      let guarded = wrapped.get(prop);
      if (!guarded) {
        const method = member as AnyMethod;
        const after = typeof prop === 'string' ? options.after?.[prop] : undefined;
        const attempt = options.reads?.includes(String(prop))
          ? (args: unknown[]): unknown => method.apply(target, args)
          : (args: unknown[]): unknown => around(() => method.apply(target, args));
        const firstTry = (
          args: unknown[],
          onFault: (error: unknown) => Promise<unknown>,
        ): Promise<unknown> => {
          try {
            return settle(attempt(args)).catch(onFault);
          } catch (error) {
            return onFault(error);
          }
        };
        guarded = skip.has(String(prop))
          ? (...args: unknown[]) =>
              firstTry(args, (error) =>
                sqliteFault(error) === 'busy' ? Promise.resolve(undefined) : rejectTranslated(error),
              )
          : (...args: unknown[]) => {
              const result = firstTry(args, (error) =>
                sqliteFault(error) === 'busy'
                  ? retryWhileBusy(() => attempt(args), options)
                  : rejectTranslated(error),
              );
              return after
                ? result.then(async (value) => {
                    await after();
                    return value;
                  })
                : result;
            };
        wrapped.set(prop, guarded);
      }
      return guarded;
    },
  });
}
