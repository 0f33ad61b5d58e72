import { isDeepStrictEqual } from 'node:util';
import { ConflictError, LastAdminError } from '../errors.js';
import type { BatchInsertResult } from '../store/bulk.port.js';
import type { ActivityRecord, PromptRecord, Store, UserRecord } from '../store/store.port.js';

/**
 * The copy behind `npm run db:copy`: every record of one store into another
 * through the store port, matched by id, and the counts that check it.
 */

/** The record kinds, in copy order. */
export const KINDS = [
  'users',
  'sessions',
  'passwordResets',
  'activity',
  'threads',
  'prompts',
  'outbox',
] as const;
export type Kind = (typeof KINDS)[number];
export type Counts = Record<Kind, number>;

const PAGE = 500;
const WRITES_IN_FLIGHT = 32;

async function* userPages(store: Store): AsyncGenerator<UserRecord[]> {
  let after: string | null = null;
  for (;;) {
    const page: UserRecord[] = await store.users.listAll(after, PAGE);
    yield page;
    const last = page.at(-1);
    if (page.length < PAGE || !last) {
      return;
    }
    after = last.id;
  }
}

async function* allUsers(store: Store): AsyncGenerator<UserRecord> {
  for await (const page of userPages(store)) {
    yield* page;
  }
}

async function* promptPages(store: Store, userId: string): AsyncGenerator<PromptRecord[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await store.prompts.listForUser(userId, {}, PAGE, cursor);
    yield page.items;
    if (!page.nextCursor) {
      return;
    }
    cursor = page.nextCursor;
  }
}

/** The user's activity log a page at a time, newest first: a long log is never held whole. */
async function* activityPages(store: Store, userId: string): AsyncGenerator<ActivityRecord[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await store.bulk.listActivity(userId, PAGE, cursor);
    yield page.items;
    if (!page.nextCursor) {
      return;
    }
    cursor = page.nextCursor;
  }
}

async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += WRITES_IN_FLIGHT) {
    await Promise.all(items.slice(i, i + WRITES_IN_FLIGHT).map(fn));
  }
}

/** A batch insert made of one create per record, for the kinds a user has few of (sessions, tokens, mail). */
const oneByOne =
  <T>(create: (item: T) => Promise<unknown>) =>
  async (items: readonly T[]): Promise<BatchInsertResult> => {
    await inBatches(items, create);
    return { inserted: items.length, alreadyPresent: 0 };
  };

/** Counts of every kind: `some` as given, zero for the others. */
export const countsOf = (some: Partial<Counts> = {}): Counts => ({
  users: 0,
  sessions: 0,
  passwordResets: 0,
  activity: 0,
  threads: 0,
  prompts: 0,
  outbox: 0,
  ...some,
});

/** Counts of what a copy wrote and what it found already equal, and what it could not copy. */
export interface CopyReport {
  written: Counts;
  unchanged: Counts;
  problems: string[];
}

/**
 * Copies every record of `source` into `target`, matched by id: missing
 * records are created, changed ones replaced, equal ones left alone.
 * Writes go through the port, so the target's own rules (unique username
 * and email) hold. `now` decides which sessions and tokens have expired.
 */
export async function copyStore(
  source: Store,
  target: Store,
  now: Date,
  onUser: (done: number, report: CopyReport) => void = () => undefined,
): Promise<CopyReport> {
  const report: CopyReport = { written: countsOf(), unchanged: countsOf(), problems: [] };
  const live = <T extends { expiresAt: Date }>(items: T[]) => items.filter((x) => x.expiresAt > now);
  let done = 0;
  // The registration settings an admin chose (invitations are short-lived and stay behind).
  const settings = await source.registration.getSettings();
  if (Object.keys(settings).length > 0) {
    await target.registration.updateSettings(settings, now);
  }
  for await (const user of allUsers(source)) {
    if (await copyUser(user, source, target, report)) {
      const [sessions, theirSessions, resets, theirResets] = await Promise.all([
        source.sessions.listAllForUser(user.id),
        target.sessions.listAllForUser(user.id),
        source.passwordResets.listForUser(user.id),
        target.passwordResets.listForUser(user.id),
      ]);
      await syncById(report, 'sessions', live(sessions), theirSessions, {
        insert: oneByOne((s) => target.sessions.create(s)),
        remove: (s) => target.sessions.revoke(s.id),
      });
      await syncById(report, 'passwordResets', live(resets), theirResets, {
        insert: oneByOne((r) => target.passwordResets.create(r)),
        remove: (r) => target.passwordResets.delete(r.id),
      });
      // Per page: one read of the ids the target holds, one batch insert of the others.
      for await (const page of activityPages(source, user.id)) {
        const theirs = await target.bulk.findActivity(page.map((e) => e.id));
        // The log is append-only: the port has no way to replace an entry.
        await syncById(report, 'activity', page, theirs, {
          insert: (entries) => target.bulk.insertActivity(entries),
        });
      }
      // Threads before their turns. Only updatedAt of a thread ever changes
      // (a new turn): replacing it would delete its turns with it.
      const [threads, theirThreads] = await Promise.all([
        source.threads.listAllForUser(user.id),
        target.threads.listAllForUser(user.id),
      ]);
      await syncById(report, 'threads', threads, theirThreads, {
        insert: (some) => target.bulk.insertThreads(some),
        update: (t) => target.threads.touch(t.id, t.updatedAt),
      });
      const emptied = new Set<string>();
      for await (const page of promptPages(source, user.id)) {
        const ids = page.map((p) => p.id);
        // The listing leaves out the turns' test runs (Test and fix): the bulk read carries them.
        const [mine, theirs] = await Promise.all([
          source.bulk.findPrompts(ids),
          target.bulk.findPrompts(ids),
        ]);
        const found = new Map(mine.map((p) => [p.id, p]));
        await syncById(
          report,
          'prompts',
          page.map((p) => found.get(p.id) ?? p),
          theirs,
          {
            insert: (records) => target.bulk.insertPrompts(records),
            remove: (p) => {
              emptied.add(p.threadId);
              return target.prompts.deleteForUser(p.userId, p.id);
            },
          },
        );
      }
      // Deleting a thread's last turn deletes the thread: a replaced turn's thread is put back (held ones are skipped).
      if (emptied.size > 0) {
        await target.bulk.insertThreads(threads.filter((t) => emptied.has(t.id)));
      }
      // Mail waiting to be sent: the target sends it when it runs with the same session secret
      // (the message is sealed under it), and drops it with a log line otherwise.
      const [outbox, theirOutbox] = await Promise.all([
        source.outbox.listForUser(user.id),
        target.outbox.listForUser(user.id),
      ]);
      await syncById(report, 'outbox', outbox, theirOutbox, {
        insert: oneByOne((m) => target.outbox.add(m)),
        remove: (m) => target.outbox.delete(m.id),
      });
    }
    onUser(++done, report);
  }
  return report;
}

/** How syncById writes one kind of record into the target. */
interface SyncWrites<T> {
  /** Inserts the records the target lacks, as one batch where the kind has one; held ids are counted, not failed. */
  insert(items: readonly T[]): Promise<BatchInsertResult>;
  /** Deletes the target's copy before a changed record is created again; absent when the kind cannot be replaced. */
  remove?(there: T): Promise<unknown>;
  /** Brings a changed record up to date in place (instead of remove and create). */
  update?(item: T): Promise<unknown>;
}

/**
 * Brings `items` into the target, which holds `theirs`, matched by id:
 * missing ones are inserted in one batch, changed ones replaced (or reported
 * when the kind cannot be replaced), equal ones left alone. A record the
 * target got meanwhile (another copy running at the same time) counts as
 * unchanged.
 */
async function syncById<T extends { id: string }>(
  report: CopyReport,
  kind: Kind,
  items: readonly T[],
  theirs: readonly T[],
  writes: SyncWrites<T>,
): Promise<void> {
  const have = new Map(theirs.map((x) => [x.id, x]));
  const missing: T[] = [];
  await inBatches(items, async (item) => {
    const there = have.get(item.id);
    if (!there) {
      missing.push(item);
    } else if (isDeepStrictEqual(there, item)) {
      report.unchanged[kind]++;
    } else if (writes.update) {
      await writes.update(item);
      report.written[kind]++;
    } else if (writes.remove) {
      await writes.remove(there);
      missing.push(item);
    } else {
      report.problems.push(`${kind} ${item.id}: differs in the target and was left as it is there`);
      report.unchanged[kind]++;
    }
  });
  if (missing.length > 0) {
    const result = await writes.insert(missing);
    report.written[kind] += result.inserted;
    report.unchanged[kind] += result.alreadyPresent;
  }
}

/** Role, status and last sign-in of a user the target already holds. */
async function copyAccess(
  user: UserRecord,
  there: UserRecord,
  target: Store,
  report: CopyReport,
): Promise<void> {
  if (there.role !== user.role || there.status !== user.status) {
    try {
      await target.users.updateAccess(user.id, { role: user.role, status: user.status }, user.updatedAt);
    } catch (error) {
      if (!(error instanceof LastAdminError)) {
        throw error;
      }
      report.problems.push(`user ${user.id}: the target's last active admin; role and status not changed`);
    }
  }
  if (user.lastSignInAt !== null) {
    await target.users.recordSignIn(user.id, user.lastSignInAt);
  }
}

/** Creates or updates one user and their preferences; false when the target holds a conflicting account (reported). */
async function copyUser(
  user: UserRecord,
  source: Store,
  target: Store,
  report: CopyReport,
): Promise<boolean> {
  const [there, preferences] = await Promise.all([
    target.users.findById(user.id),
    source.preferences.get(user.id),
  ]);
  // A user created here has the target's defaults, which need not be the source's choice: always written.
  const samePreferences =
    there !== null && isDeepStrictEqual(preferences, await target.preferences.get(user.id));
  try {
    if (!there) {
      const { updatedAt: _, ...created } = user;
      await target.users.create(created);
      if (user.updatedAt.getTime() !== user.createdAt.getTime()) {
        // The port's way to set updatedAt: rewrite the hash at that time.
        await target.users.updatePasswordHash(user.id, user.passwordHash, user.updatedAt);
      }
    } else if (!isDeepStrictEqual(there, user)) {
      if (there.username !== user.username || there.createdAt.getTime() !== user.createdAt.getTime()) {
        report.problems.push(`user ${user.id}: username or creation time differs in the target; not changed`);
      }
      await target.users.updateProfile(
        user.id,
        { displayName: user.displayName, email: user.email },
        user.updatedAt,
      );
      await copyAccess(user, there, target, report);
      await target.users.updatePasswordHash(user.id, user.passwordHash, user.updatedAt);
    }
    if (preferences !== null && !samePreferences) {
      await target.preferences.update(user.id, preferences);
    }
  } catch (error) {
    if (error instanceof ConflictError) {
      const field = Object.keys(error.details?.fields ?? {}).join(', ');
      report.problems.push(
        `user ${user.id}: another account in the target has this ${field}; user not copied`,
      );
      return false;
    }
    throw error;
  }
  const unchanged = there !== null && isDeepStrictEqual(there, user) && samePreferences;
  report[unchanged ? 'unchanged' : 'written'].users++;
  return true;
}

/** Records per kind, counted as db:copy sees them: live sessions and tokens only. */
export async function countStore(
  store: Store,
  now: Date,
  onUser: (done: number) => void = () => undefined,
): Promise<Counts> {
  const counts = countsOf();
  for await (const user of allUsers(store)) {
    const [sessions, resets, threads, outbox] = await Promise.all([
      store.sessions.listAllForUser(user.id),
      store.passwordResets.listForUser(user.id),
      store.threads.listAllForUser(user.id),
      store.outbox.listForUser(user.id),
    ]);
    counts.users++;
    counts.sessions += sessions.filter((s) => s.expiresAt > now).length;
    counts.passwordResets += resets.filter((r) => r.expiresAt > now).length;
    counts.threads += threads.length;
    counts.outbox += outbox.length;
    for await (const page of activityPages(store, user.id)) {
      counts.activity += page.length;
    }
    for await (const page of promptPages(store, user.id)) {
      counts.prompts += page.length;
    }
    onUser(counts.users);
  }
  return counts;
}

/** How many users the store holds. */
export async function countUsers(store: Store): Promise<number> {
  let n = 0;
  for await (const page of userPages(store)) {
    n += page.length;
  }
  return n;
}
