import fs from 'node:fs';
import type { Logger } from '../../logger.js';
import type { DownloadProgress } from '../provider.port.js';
import { sha256File } from './download-helpers.js';

/** A file's sha256 at a size and modification time. */
export interface FileHash {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** The memo kept next to a verified model file, so a restart does not hash gigabytes again. */
export function memoPath(file: string): string {
  return `${file}.verified.json`;
}

/** The file's stat, or null when there is no regular file. */
export function statOrNull(file: string): fs.Stats | null {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}

/**
 * SHA-256 of model files, each computed once: streamed (the event loop
 * stays free), shared by every caller waiting for the same file, and
 * remembered by size and modification time, in memory and, for verified
 * files, in a memo file next to them (`<file>.verified.json`).
 */
export class FileHashes {
  private readonly known = new Map<string, FileHash>();
  private readonly running = new Map<string, { promise: Promise<string>; progress: DownloadProgress }>();

  constructor(
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {}

  /** The sha256 of `file` computed or remembered here, if it has not changed since (no I/O). */
  knownSha256(file: string, stat: fs.Stats): string | undefined {
    const known = this.known.get(file);
    return known && sameFile(known, stat) ? known.sha256 : undefined;
  }

  /** Bytes hashed so far while `file` is being hashed. */
  progress(file: string): DownloadProgress | undefined {
    const running = this.running.get(file);
    return running ? { ...running.progress } : undefined;
  }

  /**
   * The sha256 of `file` (as of `stat`): remembered, confirmed by its memo,
   * or read once. A memo only confirms `expected`: on any doubt the file is
   * hashed again, so a stale memo never condemns a good file.
   */
  async sha256(file: string, stat: fs.Stats, expected: string): Promise<string> {
    const known = this.knownSha256(file, stat);
    if (known !== undefined) {
      return known;
    }
    const memo = await readMemo(file);
    if (memo && sameFile(memo, stat) && memo.sha256 === expected) {
      this.known.set(file, memo);
      return memo.sha256;
    }
    let running = this.running.get(file);
    if (!running) {
      const progress: DownloadProgress = { receivedBytes: 0, totalBytes: stat.size };
      const update = (hashed: number): void => {
        progress.receivedBytes = hashed;
      };
      const promise = sha256File(file, update, this.signal)
        .then((sha256) => {
          // The stat from before hashing: if the file changed meanwhile, the next check hashes again.
          this.known.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, sha256 });
          return sha256;
        })
        .finally(() => {
          this.running.delete(file);
        });
      running = { promise, progress };
      this.running.set(file, running);
    }
    return running.promise;
  }

  /**
   * Remembers a verified file, in memory at once (before the promise
   * settles) and in its memo (best effort: a read-only folder still works).
   */
  async remember(file: string, hash: FileHash): Promise<void> {
    this.known.set(file, hash);
    try {
      await fs.promises.writeFile(memoPath(file), `${JSON.stringify(hash)}\n`);
    } catch (error) {
      this.log.warn(
        { err: error, file },
        'cannot write the verification memo; the file is hashed again after a restart',
      );
    }
  }

  /** After a rename that kept the bytes and mtime: what was known of `from` now belongs to `to`. */
  async moved(from: string, to: string): Promise<void> {
    const known = this.known.get(from);
    this.known.delete(from);
    if (known) {
      await this.remember(to, known);
    }
  }

  /** Forgets a deleted file and removes its memo. */
  async forget(file: string): Promise<void> {
    this.known.delete(file);
    await fs.promises.rm(memoPath(file), { force: true });
  }

  /** Settles when no file is being hashed. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((r) => r.promise));
  }
}

function sameFile(hash: FileHash, stat: fs.Stats): boolean {
  return hash.size === stat.size && hash.mtimeMs === stat.mtimeMs;
}

async function readMemo(file: string): Promise<FileHash | null> {
  try {
    const raw = JSON.parse(await fs.promises.readFile(memoPath(file), 'utf8')) as Partial<FileHash>;
    return typeof raw.size === 'number' && typeof raw.mtimeMs === 'number' && typeof raw.sha256 === 'string'
      ? { size: raw.size, mtimeMs: raw.mtimeMs, sha256: raw.sha256 }
      : null;
  } catch {
    return null;
  }
}
