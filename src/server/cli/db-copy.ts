import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { ConflictError } from '../errors.js';
import { describeTarget, isMongoUrl, parseMongoUri } from '../store/mongo/mongo-uri.js';
import type { PromptRecord, Store, UserRecord } from '../store/store.port.js';

const USAGE = `Usage: npm run db:copy -- --from <DATABASE_URL> --to <DATABASE_URL>

Copies every account with its sessions, reset tokens, activity and prompts
from one store to another (sqlite:<file>, mongodb://..., mongodb+srv://...).
Records are matched by id: running it again changes nothing, and brings over
what changed since. Sessions and reset tokens already past their expiry are
not copied. Ends with a count per collection; exit 1 if they differ.
`;

/** The record kinds, in copy order. */
export const KINDS = ['users', 'sessions', 'passwordResets', 'activity', 'prompts'] as const;
export type Kind = (typeof KINDS)[number];
export type Counts = Record<Kind, number>;

const PAGE = 500;
const ALL = 2 ** 31 - 1;
const WRITES_IN_FLIGHT = 32;

/** Opens a store from a DATABASE_URL; the store factory will take this over. */
export async function openStoreFromUrl(url: string, options: { mustExist?: boolean } = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) {
    const file = path.resolve(url.slice('sqlite:'.length));
    if (options.mustExist && !fs.existsSync(file)) {
      throw new Error(`No SQLite database at ${file}.`);
    }
    const { SqliteStore } = await import('../store/sqlite/sqlite.adapter.js');
    return SqliteStore.open(file);
  }
  if (isMongoUrl(url)) {
    const { MongoStore } = await import('../store/mongo/mongo.adapter.js');
    return MongoStore.connect(url);
  }
  // Not the URL itself: it may hold a password.
  throw new Error('A store URL starts with sqlite:, mongodb:// or mongodb+srv://.');
}

/** The URL for messages: the file, or hosts and database without credentials. */
export function describeUrl(url: string): string {
  if (url.startsWith('sqlite:')) {
    return `sqlite:${path.resolve(url.slice('sqlite:'.length))}`;
  }
  return isMongoUrl(url) ? `mongodb ${describeTarget(parseMongoUri(url))}` : '(unknown store)';
}

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

async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += WRITES_IN_FLIGHT) {
    await Promise.all(items.slice(i, i + WRITES_IN_FLIGHT).map(fn));
  }
}

const zero = (): Counts => ({ users: 0, sessions: 0, passwordResets: 0, activity: 0, prompts: 0 });
const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((x) => [x.id, x]));

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
  const report: CopyReport = { written: zero(), unchanged: zero(), problems: [] };
  const tally = (kind: Kind, wrote: boolean) => {
    report[wrote ? 'written' : 'unchanged'][kind]++;
  };
  const live = <T extends { expiresAt: Date }>(items: T[]) => items.filter((x) => x.expiresAt > now);
  let done = 0;
  for await (const user of allUsers(source)) {
    if (await copyUser(user, target, report)) {
      const [sessions, theirSessions, resets, theirResets] = await Promise.all([
        source.sessions.listAllForUser(user.id),
        target.sessions.listAllForUser(user.id),
        source.passwordResets.listForUser(user.id),
        target.passwordResets.listForUser(user.id),
      ]);
      const haveSessions = byId(theirSessions);
      await inBatches(live(sessions), async (s) => {
        const there = haveSessions.get(s.id);
        const differs = !there || !isDeepStrictEqual(there, s);
        if (there && differs) {
          await target.sessions.revoke(s.id);
        }
        if (differs) {
          await target.sessions.create(s);
        }
        tally('sessions', differs);
      });
      const haveResets = byId(theirResets);
      await inBatches(live(resets), async (r) => {
        const there = haveResets.get(r.id);
        const differs = !there || !isDeepStrictEqual(there, r);
        if (there && differs) {
          await target.passwordResets.delete(r.id);
        }
        if (differs) {
          await target.passwordResets.create(r);
        }
        tally('passwordResets', differs);
      });
      const haveActivity = byId(await target.activity.listForUser(user.id, ALL));
      await inBatches(await source.activity.listForUser(user.id, ALL), async (e) => {
        const there = haveActivity.get(e.id);
        if (!there) {
          await target.activity.append(e);
        } else if (!isDeepStrictEqual(there, e)) {
          // The log is append-only: the port has no way to replace an entry.
          report.problems.push(`activity ${e.id}: differs in the target and was left as it is there`);
        }
        tally('activity', !there);
      });
      for await (const page of promptPages(source, user.id)) {
        const theirs = await Promise.all(page.map((p) => target.prompts.findById(p.id)));
        await inBatches(
          page.map((p, i) => ({ p, there: theirs[i] ?? null })),
          async ({ p, there }) => {
            const differs = !there || !isDeepStrictEqual(there, p);
            if (there && differs) {
              await target.prompts.deleteForUser(there.userId, p.id);
            }
            if (differs) {
              await target.prompts.create(p);
            }
            tally('prompts', differs);
          },
        );
      }
    }
    onUser(++done, report);
  }
  return report;
}

/** Creates or updates one user; false when the target holds a conflicting account (reported). */
async function copyUser(user: UserRecord, target: Store, report: CopyReport): Promise<boolean> {
  const there = await target.users.findById(user.id);
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
      await target.users.updatePasswordHash(user.id, user.passwordHash, user.updatedAt);
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
  report[there && isDeepStrictEqual(there, user) ? 'unchanged' : 'written'].users++;
  return true;
}

/** Records per kind, counted as db:copy sees them: live sessions and tokens only. */
export async function countStore(
  store: Store,
  now: Date,
  onUser: (done: number) => void = () => undefined,
): Promise<Counts> {
  const counts = zero();
  for await (const user of allUsers(store)) {
    const [sessions, resets, activity] = await Promise.all([
      store.sessions.listAllForUser(user.id),
      store.passwordResets.listForUser(user.id),
      store.activity.listForUser(user.id, ALL),
    ]);
    counts.users++;
    counts.sessions += sessions.filter((s) => s.expiresAt > now).length;
    counts.passwordResets += resets.filter((r) => r.expiresAt > now).length;
    counts.activity += activity.length;
    for await (const page of promptPages(store, user.id)) {
      counts.prompts += page.length;
    }
    onUser(counts.users);
  }
  return counts;
}

async function countUsers(store: Store): Promise<number> {
  let n = 0;
  for await (const page of userPages(store)) {
    n += page.length;
  }
  return n;
}

/** A one-line progress bar; redrawn in place on a terminal, every 10 % otherwise. */
export class ProgressBar {
  private lastDraw = 0;
  private lastTenth = -1;
  private done = 0;
  private finished = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number, note = ''): void {
    this.done = done;
    const ratio = this.total === 0 ? 1 : Math.min(1, done / this.total);
    if (this.out.isTTY) {
      if (Date.now() - this.lastDraw < 100) {
        return;
      }
      this.lastDraw = Date.now();
    } else {
      // Whole tenths only; 100 % is finish()'s line.
      const tenth = Math.floor(ratio * 10);
      if (tenth === this.lastTenth || tenth === 10) {
        return;
      }
      this.lastTenth = tenth;
    }
    this.draw(ratio, note);
  }

  /** Draws the final state (even when nothing was done) and ends the line. */
  finish(note = ''): void {
    if (!this.finished) {
      this.finished = true;
      this.draw(1, note);
    }
  }

  private draw(ratio: number, note: string): void {
    const width = 30;
    const filled = Math.round(ratio * width);
    const percent = String(Math.floor(ratio * 100)).padStart(3);
    const shown = this.finished ? Math.max(this.done, this.total) : this.done;
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}% ${shown}/${this.total} users${note}`;
    this.out.write(this.out.isTTY ? `\r\u001b[2K${line}${this.finished ? '\n' : ''}` : `${line}\n`);
  }
}

export interface CopyIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  open: (url: string, options: { mustExist?: boolean }) => Promise<Store>;
  now: () => Date;
}

const LABELS: Record<Kind, string> = {
  users: 'users',
  sessions: 'sessions',
  passwordResets: 'password resets',
  activity: 'activity (history)',
  prompts: 'prompts',
};

/** `db:copy`; exit codes: 0 copied and counts match, 1 failed or counts differ, 2 usage. */
export async function main(argv: string[], io: CopyIo): Promise<number> {
  let from: string | undefined;
  let to: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      io.stderr.write(USAGE);
      return 0;
    }
    ({ from, to } = values);
  } catch {
    // parseArgs' message may quote an argument, which may hold a password.
  }
  if (!from || !to) {
    io.stderr.write(USAGE);
    return 2;
  }
  if (from === to || describeUrl(from) === describeUrl(to)) {
    io.stderr.write('--from and --to name the same store.\n');
    return 2;
  }
  const opened: Store[] = [];
  try {
    io.stderr.write(`Copying ${describeUrl(from)}\n     to ${describeUrl(to)}\n`);
    const sourceStore = await io.open(from, { mustExist: true });
    opened.push(sourceStore);
    const targetStore = await io.open(to, {});
    opened.push(targetStore);
    const source = sourceStore;
    const target = targetStore;

    const now = io.now();
    const bar = new ProgressBar(io.stderr, 'copy', await countUsers(source));
    const writtenNote = (r: CopyReport) =>
      ` · ${KINDS.reduce((sum, k) => sum + r.written[k], 0)} records written`;
    const report = await copyStore(source, target, now, (done, r) => {
      bar.update(done, writtenNote(r));
    });
    bar.finish(writtenNote(report));

    const checkedAt = io.now();
    const sourceCounts = await countStore(source, checkedAt);
    const targetCounts = await countStore(target, checkedAt);
    const rows = KINDS.map(
      (k) =>
        `${LABELS[k].padEnd(20)}${String(sourceCounts[k]).padStart(10)}${String(targetCounts[k]).padStart(10)}${
          sourceCounts[k] === targetCounts[k] ? '' : '   differs'
        }`,
    );
    io.stdout.write(
      `${'collection'.padEnd(20)}${'source'.padStart(10)}${'target'.padStart(10)}\n${rows.join('\n')}\n`,
    );
    for (const problem of report.problems) {
      io.stderr.write(`problem: ${problem}\n`);
    }
    const differs = KINDS.filter((k) => sourceCounts[k] !== targetCounts[k]);
    if (differs.length > 0 || report.problems.length > 0) {
      io.stderr.write(
        differs.length > 0
          ? `Counts differ (${differs.map((k) => LABELS[k]).join(', ')}): the target holds other records, or the source changed during the copy.\n`
          : 'Copied, with the problems above.\n',
      );
      return 1;
    }
    io.stderr.write('Copied; every count matches.\n');
    return 0;
  } catch (error) {
    io.stderr.write(`db:copy failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await Promise.all(opened.map((s) => s.close()));
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(path.resolve(entry)).href) {
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    open: openStoreFromUrl,
    now: () => new Date(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`db:copy failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
