import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { ROOT } from './cli.js';

/** A lock held by another process on a SQLite file (see sqlite-locker-child.ts). */
export interface HeldSqliteLock {
  /** Ends the transaction and resolves once the process has exited. */
  release(): Promise<void>;
}

const live = new Set<() => Promise<void>>();

/**
 * Starts a second process that holds the write lock (`write`: BEGIN
 * IMMEDIATE) or an open read snapshot (`read`) on `file`, and resolves once
 * it holds it. Release it in the test; releaseAllSqliteLocks in a teardown
 * ends any a failed test left.
 */
export async function holdSqliteLock(file: string, mode: 'write' | 'read'): Promise<HeldSqliteLock> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/sqlite-locker-child.ts', file, mode],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (part: string) => (stderr += part));
  const exited = once(child, 'exit');
  const lines = readline.createInterface({ input: child.stdout });
  const held = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'held') {
        resolve();
      }
    });
    void exited.then(([code]) => {
      reject(new Error(`the SQLite locker exited (${String(code)}) before holding the lock: ${stderr}`));
    });
  });
  await held;
  let released: Promise<void> | undefined;
  const release = (): Promise<void> => {
    released ??= (async () => {
      live.delete(release);
      child.stdin.end('release\n');
      const [code] = (await exited) as [number | null];
      if (code !== 0) {
        throw new Error(`the SQLite locker ended with ${String(code)}: ${stderr}`);
      }
    })();
    return released;
  };
  live.add(release);
  return { release };
}

/** Releases every lock still held (a teardown's safety net). */
export async function releaseAllSqliteLocks(): Promise<void> {
  await Promise.all([...live].map((release) => release()));
}
