import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createStore, databaseFromUrl, describeDatabase } from '../store/index.js';
import type { Store } from '../store/store.port.js';
import { SESSION_SECRET_NAME } from '../session-secret.js';
import { renderBar } from './progress-bar.js';
import {
  copyStore,
  countStore,
  countUsers,
  KINDS,
  type CopyReport,
  type Counts,
  type Kind,
} from './store-sync.js';

export { copyStore, countStore, KINDS, type CopyReport, type Counts, type Kind } from './store-sync.js';

const USAGE = `Usage: npm run db:copy -- --from <DATABASE_URL> --to <DATABASE_URL>

Copies every account with its sessions, reset tokens, activity and prompts
from one store to another (sqlite:<file>, mongodb://..., mongodb+srv://...).
Records are matched by id: running it again changes nothing, and brings over
what changed since. Sessions and reset tokens already past their expiry are
not copied. Ends with a count per collection; exit 1 if they differ.
`;

/** Opens the store a DATABASE_URL names, through the store factory. */
export async function openStoreFromUrl(url: string, options: { mustExist?: boolean } = {}): Promise<Store> {
  const database = databaseFromUrl(url);
  if (!database) {
    // Not the URL itself: it may hold a password.
    throw new Error('A store URL starts with sqlite:, mongodb:// or mongodb+srv://.');
  }
  if (database.kind === 'sqlite' && options.mustExist && !fs.existsSync(database.file)) {
    throw new Error(`No SQLite database at ${database.file}.`);
  }
  return createStore(database);
}

/** The URL for messages: the file, or hosts and database without credentials. */
export function describeUrl(url: string): string {
  const database = databaseFromUrl(url);
  return database ? describeDatabase(database) : '(unknown store)';
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
    const shown = this.finished ? Math.max(this.done, this.total) : this.done;
    const line = `${this.label} ${renderBar(ratio, 1)} ${shown}/${this.total} users${note}`;
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
  threads: 'threads',
  prompts: 'prompts',
  outbox: 'queued mail',
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
    const source = await io.open(from, { mustExist: true });
    opened.push(source);
    const target = await io.open(to, {});
    opened.push(target);

    const now = io.now();
    const bar = new ProgressBar(io.stderr, 'copy', await countUsers(source));
    const writtenNote = (r: CopyReport) =>
      ` · ${KINDS.reduce((sum, k) => sum + r.written[k], 0)} records written`;
    const report = await copyStore(source, target, now, (done, r) => {
      bar.update(done, writtenNote(r));
    });
    bar.finish(writtenNote(report));
    await copySessionSecret(source, target, now, io);

    const checkedAt = io.now();
    const sourceCounts = await countWithProgress(source, 'check source', checkedAt, io);
    const targetCounts = await countWithProgress(target, 'check target', checkedAt, io);
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

/** The records of one store, counted user by user after the copy (every record is read): with a bar. */
async function countWithProgress(store: Store, label: string, at: Date, io: CopyIo): Promise<Counts> {
  const bar = new ProgressBar(io.stderr, label, await countUsers(store));
  const counts = await countStore(store, at, (done) => {
    bar.update(done);
  });
  bar.finish();
  return counts;
}

/**
 * The session secret generated when SESSION_SECRET is unset lives in the
 * store: it goes along, so copied sessions and queued mail (sealed under it)
 * stay valid on the target. A target that generated its own keeps it.
 */
async function copySessionSecret(source: Store, target: Store, now: Date, io: CopyIo): Promise<void> {
  const secret = await source.counters.readSecret(SESSION_SECRET_NAME);
  if (secret === null) {
    return;
  }
  if ((await target.counters.keepSecret(SESSION_SECRET_NAME, secret, now.getTime())) !== secret) {
    io.stderr.write(
      "The target keeps the session secret it generated: copied sessions and queued mail hold only with the source's, set as SESSION_SECRET.\n",
    );
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
