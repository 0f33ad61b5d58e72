/**
 * A second process on a SQLite file, for fault tests (sqlite-locker.ts
 * starts it): `write` holds the write lock (BEGIN IMMEDIATE), `read` holds a
 * read transaction open on the snapshot of the moment. It prints "held"
 * once it holds it, and releases and exits when a line arrives on stdin (or
 * stdin closes: the test process is gone).
 */
import readline from 'node:readline';
import Database from 'better-sqlite3';

const [file, mode] = process.argv.slice(2);
if (file === undefined || (mode !== 'write' && mode !== 'read')) {
  process.stderr.write('usage: sqlite-locker-child.ts <file> write|read\n');
  process.exit(2);
}
const db = new Database(file, { fileMustExist: true });
if (mode === 'write') {
  db.exec('BEGIN IMMEDIATE');
} else {
  db.exec('BEGIN');
  // A read transaction starts at its first read, which pins the snapshot.
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}
process.stdout.write('held\n');

const input = readline.createInterface({ input: process.stdin });
const release = () => {
  db.exec('ROLLBACK');
  db.close();
  process.stdout.write('released\n');
  process.exit(0);
};
input.once('line', release);
input.once('close', release);
