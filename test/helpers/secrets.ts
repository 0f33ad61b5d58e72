import fs from 'node:fs';
import path from 'node:path';

/** Folder the log audit reads: every test log file and every secret used. */
export const RESULTS_DIR = path.resolve(import.meta.dirname, '../../test-results');
export const LOGS_DIR = path.join(RESULTS_DIR, 'logs');
export const SECRETS_DIR = path.join(RESULTS_DIR, 'secrets');
/** Usernames and emails of the test accounts: the log audit proves no log line names a user. */
export const IDENTITIES_DIR = path.join(RESULTS_DIR, 'identities');

/**
 * Records a secret (password, token, cookie value) that a test sent or
 * received, so the log audit can prove it never reached a log line.
 * Returns the value for inline use.
 */
export function secret<T extends string>(value: T): T {
  fs.mkdirSync(SECRETS_DIR, { recursive: true });
  fs.appendFileSync(path.join(SECRETS_DIR, `${process.pid}.txt`), `${JSON.stringify(value)}\n`);
  return value;
}

/**
 * Records a username or email a test account used, so the log audit can
 * prove logs carry user ids only (issue 13: a deleted user must not stay
 * named in the logs). Returns the value for inline use.
 */
export function identity<T extends string>(value: T): T {
  fs.mkdirSync(IDENTITIES_DIR, { recursive: true });
  fs.appendFileSync(path.join(IDENTITIES_DIR, `${process.pid}.txt`), `${JSON.stringify(value)}\n`);
  return value;
}

/** A new log file for one test app. */
export function newLogFile(name: string): string {
  fs.mkdirSync(LOGS_DIR, { recursive: true });
  return path.join(
    LOGS_DIR,
    `${name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.log`,
  );
}

/** A log destination for buildApp that appends synchronously to a new log file. */
export function logSink(name: string): { file: string; write(line: string): void } {
  const file = newLogFile(name);
  return {
    file,
    write: (line: string) => {
      fs.appendFileSync(file, line);
    },
  };
}
