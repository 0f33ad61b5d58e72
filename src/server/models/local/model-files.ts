import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger.js';
import { ModelUnavailableError } from '../model-errors.js';
import type { DownloadProgress } from '../provider.port.js';
import { FileHashes, statOrNull } from './file-hashes.js';
import type { ModelDownloader } from './model-downloader.js';

export { memoPath } from './file-hashes.js';

/** A downloaded model file as the catalogue pins it. */
export interface PinnedFile {
  /** Model id and name, for logs and messages. */
  id: string;
  label: string;
  url: string;
  /** Where it is kept: its pinned name in MODELS_DIR (model-source.ts). */
  path: string;
  /** The plain name earlier versions kept it under, when different: adopted once verified. */
  legacyPath?: string | undefined;
  sha256?: string | undefined;
  size?: number | undefined;
}

/** What is known about a pinned file right now, without reading it. */
export type PinnedFileState =
  /** There, and matched its pin (checked in this process or remembered by size and mtime). */
  | { kind: 'verified' }
  /** Being checked, or waiting its turn; `progress` counts the bytes hashed. */
  | { kind: 'verifying'; progress: DownloadProgress }
  /** A file is there (under the pinned name, or a legacy one of the pinned size) and nobody has checked it. */
  | { kind: 'unchecked' }
  /** No usable file; `rejected` says why the one that was there was deleted. */
  | { kind: 'missing'; rejected?: string };

/** How a file differs from its pin. */
interface Mismatch {
  what: 'size' | 'SHA-256';
  expected: string | number;
  actual: string | number;
}

/**
 * The local model files in MODELS_DIR: a file is used only once it matches
 * its entry's size and sha256, hashed once and then remembered
 * (file-hashes.ts). A file under the pinned name that does not match is
 * ours and is deleted; a file that earlier versions downloaded under the
 * plain name is adopted (renamed) when it matches, and left alone when it
 * does not.
 */
export class ModelFiles {
  private readonly closing = new AbortController();
  private readonly hashes: FileHashes;
  /** Running checks by pinned path, and the file each is hashing. */
  private readonly checks = new Map<string, Promise<boolean>>();
  private readonly checking = new Map<string, string>();
  /** Waiting for the background check. */
  private readonly queued = new Set<string>();
  /** Why the file under a pinned name was deleted, until a good one is there. */
  private readonly rejected = new Map<string, string>();
  /** Legacy files already reported as not matching (reported once). */
  private readonly reported = new Set<string>();
  private background: Promise<void> = Promise.resolve();

  constructor(
    private readonly downloader: ModelDownloader,
    private readonly log: Logger,
  ) {
    this.hashes = new FileHashes(log, this.closing.signal);
  }

  /** A snapshot: stats files, reads nothing. */
  state(file: PinnedFile): PinnedFileState {
    const pending = { receivedBytes: 0, totalBytes: file.size ?? null };
    if (this.checks.has(file.path)) {
      return { kind: 'verifying', progress: this.checkProgress(file) ?? pending };
    }
    const stat = statOrNull(file.path);
    if (stat && this.isKnownGood(file, stat)) {
      return { kind: 'verified' };
    }
    const present = stat !== null || this.adoptable(file);
    if (present) {
      return this.queued.has(file.path) ? { kind: 'verifying', progress: pending } : { kind: 'unchecked' };
    }
    const rejected = this.rejected.get(file.path);
    return rejected === undefined ? { kind: 'missing' } : { kind: 'missing', rejected };
  }

  /** Bytes hashed by the running check of `file`; all of them once the hash is known, while the check ends. */
  private checkProgress(file: PinnedFile): DownloadProgress | undefined {
    const target = this.checking.get(file.path);
    if (target === undefined) {
      return undefined;
    }
    const stat = statOrNull(target);
    const hashed = stat ? this.hashes.knownSha256(target, stat) : undefined;
    return (
      this.hashes.progress(target) ??
      (stat && hashed !== undefined ? { receivedBytes: stat.size, totalBytes: stat.size } : undefined)
    );
  }

  /**
   * Checks the file under the pinned name (deleting it when it does not
   * match), else adopts a matching legacy file. Resolves true when a
   * verified file is at `file.path`. Concurrent calls share one check.
   */
  check(file: PinnedFile): Promise<boolean> {
    let running = this.checks.get(file.path);
    if (!running) {
      running = this.runCheck(file).finally(() => {
        this.checks.delete(file.path);
        this.checking.delete(file.path);
      });
      this.checks.set(file.path, running);
    }
    return running;
  }

  /** Checks `files` one at a time behind any queued earlier: start-up is not slowed by many reads at once. */
  checkInBackground(files: PinnedFile[]): void {
    for (const file of files) {
      this.queued.add(file.path);
    }
    this.background = this.background.then(async () => {
      for (const file of files) {
        try {
          if (!this.closing.signal.aborted) {
            await this.check(file);
          }
        } catch (error) {
          if (!this.closing.signal.aborted) {
            this.log.warn({ err: error, model: file.id }, 'local model file check failed');
          }
        } finally {
          this.queued.delete(file.path);
        }
      }
    });
  }

  /** Resolves when the background checks queued so far are done. */
  idle(): Promise<void> {
    return this.background;
  }

  /** Downloads the file (the downloader verifies size and sha256) and remembers it as verified. */
  async download(file: PinnedFile, onProgress?: (p: DownloadProgress) => void): Promise<string> {
    const target = await this.downloader.download(
      { label: file.label, url: file.url, target: file.path, sha256: file.sha256, size: file.size },
      onProgress,
    );
    if (file.sha256 !== undefined) {
      // Renaming the verified .part kept its mtime: this stat is of the bytes that were hashed.
      // Synchronous, so no status() can come between the end of the download and this record
      // and find an unknown file to hash all over again.
      const stat = fs.statSync(target);
      await this.hashes.remember(target, { size: stat.size, mtimeMs: stat.mtimeMs, sha256: file.sha256 });
    }
    this.rejected.delete(file.path);
    return target;
  }

  /** Stops hashing and the background checks. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([this.background, this.hashes.idle()]);
  }

  private async runCheck(file: PinnedFile): Promise<boolean> {
    try {
      const stat = statOrNull(file.path);
      if (stat && this.isKnownGood(file, stat)) {
        // The common case, before every generation: nothing to read.
        return true;
      }
      if (stat) {
        const mismatch = await this.mismatch(file, file.path, stat);
        if (mismatch === null) {
          this.rejected.delete(file.path);
          if (file.sha256 !== undefined) {
            await this.hashes.remember(file.path, {
              size: stat.size,
              mtimeMs: stat.mtimeMs,
              sha256: file.sha256,
            });
          }
          return true;
        }
        // Under the pinned name the file is ours (downloaded or adopted by CodeGenie): a wrong one goes.
        await fs.promises.rm(file.path, { force: true });
        await this.hashes.forget(file.path);
        const fact = `The file ${path.basename(file.path)} did not match its pinned ${mismatch.what}, so it was deleted.`;
        this.rejected.set(file.path, fact);
        this.log.warn({ model: file.id, file: file.path, ...mismatch }, `${file.label}: ${fact}`);
      }
      return await this.adopt(file);
    } catch (error) {
      if (this.closing.signal.aborted) {
        throw new ModelUnavailableError('The local models are shutting down.');
      }
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      this.log.error({ err: error, model: file.id, file: file.path }, 'cannot check a local model file');
      throw new ModelUnavailableError(
        `The file of ${file.label} in this server's MODELS_DIR cannot be read or renamed (${code}).`,
      );
    }
  }

  /** Renames a matching legacy file to the pinned name; a file that does not match is left alone. */
  private async adopt(file: PinnedFile): Promise<boolean> {
    const legacy = file.legacyPath;
    const stat = legacy === undefined ? null : statOrNull(legacy);
    if (legacy === undefined || stat === null || !this.adoptable(file)) {
      return false;
    }
    const mismatch = await this.mismatch(file, legacy, stat);
    if (mismatch !== null) {
      // Not ours to delete: it may be another model's file, or the user's.
      const key = `${legacy}\0${file.sha256 ?? ''}`;
      if (!this.reported.has(key)) {
        this.reported.add(key);
        this.log.warn(
          { model: file.id, file: legacy, ...mismatch },
          `${file.label}: ${path.basename(legacy)} (downloaded by an earlier version) does not match the pinned ${mismatch.what}; left alone`,
        );
      }
      return false;
    }
    await fs.promises.rename(legacy, file.path);
    await this.hashes.moved(legacy, file.path);
    this.rejected.delete(file.path);
    this.log.info(
      { model: file.id, from: legacy, to: file.path },
      `${file.label}: adopted ${path.basename(legacy)} (downloaded by an earlier version, verified) as ${path.basename(file.path)}`,
    );
    return true;
  }

  /** A legacy file of exactly the pinned size, not already known not to match. */
  private adoptable(file: PinnedFile): boolean {
    if (file.legacyPath === undefined || file.sha256 === undefined || file.size === undefined) {
      return false;
    }
    const stat = statOrNull(file.legacyPath);
    if (stat?.size !== file.size) {
      return false;
    }
    const known = this.hashes.knownSha256(file.legacyPath, stat);
    return known === undefined || known === file.sha256;
  }

  /** How `target` differs from the pin, or null when it matches. */
  private async mismatch(file: PinnedFile, target: string, stat: fs.Stats): Promise<Mismatch | null> {
    if (file.size !== undefined && stat.size !== file.size) {
      return { what: 'size', expected: file.size, actual: stat.size };
    }
    if (file.sha256 === undefined) {
      return null;
    }
    this.checking.set(file.path, target);
    const actual = await this.hashes.sha256(target, stat, file.sha256);
    return actual === file.sha256 ? null : { what: 'SHA-256', expected: file.sha256, actual };
  }

  /** Whether the file under the pinned name is known, without reading it, to match the pin. */
  private isKnownGood(file: PinnedFile, stat: fs.Stats): boolean {
    if (file.size !== undefined && stat.size !== file.size) {
      return false;
    }
    return file.sha256 === undefined || this.hashes.knownSha256(file.path, stat) === file.sha256;
  }
}
