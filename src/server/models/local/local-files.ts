import fs from 'node:fs';
import type { Logger } from '../../logger.js';
import { AppError } from '../../errors.js';
import type { LocalModelEntry } from '../catalogue.js';
import { GenerationCancelledError, ModelUnavailableError } from '../model-errors.js';
import type { DownloadProgress, ModelDetails, ModelFailure, ModelStatus } from '../provider.port.js';
import { untilAborted } from './abortable.js';
import {
  downloadFailedReason,
  notDownloadedReason,
  rejectedReason,
  unreachableReason,
} from './local-reasons.js';
import { startupChecks, type StartupFile } from './local-startup.js';
import { ModelDownloadError, ModelDownloader, type ModelDownloaderOptions } from './model-downloader.js';
import { ModelFiles, type PinnedFile } from './model-files.js';
import { resolveSource } from './model-source.js';
import { urlForLog } from '../urls.js';

/** Settings of the local model files (a subset of LocalProviderOptions). */
export interface LocalFilesOptions {
  modelsDir: string;
  autoDownload: boolean;
  log: Logger;
  download?: ModelDownloaderOptions | undefined;
  /** How long the start-up check waits for a download host to answer (default 5 s). */
  probeTimeoutMs?: number | undefined;
}

/**
 * Where each local model's file stands, and how it gets there: verified
 * against its pin before use (model-files.ts), downloaded when missing, and
 * the reason in plain words when it cannot be (local-reasons.ts). The local
 * provider asks it for the file of a generation and for the status of
 * GET /api/models.
 */
export class LocalFiles {
  private readonly downloader: ModelDownloader;
  private readonly files: ModelFiles;
  /** Why the last download of a model failed, for users, by model id. */
  private readonly downloadFailures = new Map<string, string>();
  /** The last download failure of a model in full (host, cause), for administrators, by model id. */
  private readonly downloadErrors = new Map<string, ModelFailure>();
  /** Download hosts that did not answer the start-up check. */
  private readonly unreachableHosts = new Set<string>();
  private startup: Promise<void> = Promise.resolve();
  private readonly closing = new AbortController();

  constructor(private readonly options: LocalFilesOptions) {
    this.downloader = new ModelDownloader(options.download);
    this.files = new ModelFiles(this.downloader, options.log);
  }

  /**
   * Start-up (the server, not the CLI): logs which local models are present
   * and which are missing, then in the background checks present files one
   * at a time and whether the hosts of missing ones answer. Never awaited:
   * start-up is not delayed by hashing or by an unreachable network.
   */
  startChecks(models: readonly LocalModelEntry[]): void {
    const files: StartupFile[] = [];
    for (const entry of models) {
      try {
        const file = this.pinnedFile(entry);
        const present = file
          ? this.files.state(file).kind !== 'missing'
          : fs.existsSync(resolveSource(entry.source, this.options.modelsDir).path);
        files.push({ entry, file, present });
      } catch {
        // A source no file can be named after: its status says so.
      }
    }
    // A catalogue reload starts the checks of its new models: the earlier ones still count for checked().
    const earlier = this.startup;
    const checks = startupChecks({
      files,
      modelFiles: this.files,
      autoDownload: this.options.autoDownload,
      log: this.options.log,
      probeTimeoutMs: this.options.probeTimeoutMs ?? 5_000,
      signal: this.closing.signal,
      onUnreachable: (host) => this.unreachableHosts.add(host),
    });
    this.startup = Promise.all([earlier, checks]).then(() => undefined);
  }

  /** Resolves when the start-up checks (and any background check queued so far) are done. */
  async checked(): Promise<void> {
    await this.startup;
    await this.files.idle();
  }

  /** The file's side of a model's status (`ready` means a verified file); stats files, never reads them. */
  status(entry: LocalModelEntry): ModelStatus {
    let file: PinnedFile | null;
    try {
      file = this.pinnedFile(entry);
    } catch (error) {
      return { status: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
    if (!file) {
      const { path } = resolveSource(entry.source, this.options.modelsDir);
      return fs.existsSync(path)
        ? { status: 'ready' }
        : { status: 'unavailable', reason: `The model file ${path} does not exist.` };
    }
    const verifying = this.downloader.verifying(file.path);
    if (verifying) {
      return { status: 'verifying', progress: verifying };
    }
    const progress = this.downloader.progress(file.path);
    if (progress) {
      return { status: 'downloading', progress };
    }
    const state = this.files.state(file);
    switch (state.kind) {
      case 'verified':
        return { status: 'ready' };
      case 'verifying':
        return { status: 'verifying', progress: state.progress };
      case 'unchecked':
        // A file appeared since start-up (copied in by hand): checked before anyone uses it.
        this.files.checkInBackground([file]);
        return { status: 'verifying', progress: { receivedBytes: 0, totalBytes: file.size ?? null } };
      case 'missing': {
        const reason =
          this.downloadFailures.get(entry.id) ??
          (state.rejected === undefined
            ? undefined
            : rejectedReason(entry, state.rejected, this.options.autoDownload)) ??
          (this.unreachableHosts.has(new URL(file.url).host)
            ? unreachableReason(entry, file.url)
            : undefined);
        if (!this.options.autoDownload) {
          return { status: 'unavailable', reason: reason ?? notDownloadedReason(entry) };
        }
        return reason === undefined ? { status: 'not-downloaded' } : { status: 'not-downloaded', reason };
      }
      default: {
        const unreachable: never = state;
        return unreachable;
      }
    }
  }

  /**
   * Checks the model's file against its pin (adopting a legacy file),
   * without downloading; resolves with its path, or null when there is
   * none. Waits for a check already running.
   */
  async check(entry: LocalModelEntry): Promise<string | null> {
    const file = this.pinnedFile(entry);
    if (!file) {
      const { path } = resolveSource(entry.source, this.options.modelsDir);
      return fs.existsSync(path) ? path : null;
    }
    if (await this.files.check(file)) {
      this.downloadFailures.delete(entry.id);
      return file.path;
    }
    return null;
  }

  /**
   * Downloads the model's file unless a verified one is there; resolves
   * with its path. Throws the downloader's own error (with host and cause,
   * for the operator running `npm run models -- pull`); the status keeps a
   * reason fit for users.
   */
  async download(entry: LocalModelEntry, onProgress?: (p: DownloadProgress) => void): Promise<string> {
    const present = await this.check(entry);
    if (present !== null) {
      return present;
    }
    const file = this.pinnedFile(entry);
    if (!file) {
      throw missingFile(entry, this.options.modelsDir);
    }
    try {
      const downloaded = await this.files.download(file, onProgress);
      this.downloadFailures.delete(entry.id);
      this.unreachableHosts.delete(new URL(file.url).host);
      return downloaded;
    } catch (error) {
      this.downloadFailures.set(entry.id, downloadFailedReason(entry, file.url, error));
      this.downloadErrors.set(entry.id, {
        message: error instanceof Error ? error.message : String(error),
        at: new Date(),
      });
      if (!this.closing.signal.aborted) {
        this.options.log.warn({ err: error, model: entry.id }, 'local model download failed');
      }
      throw error;
    }
  }

  /**
   * The verified file for a generation: checked first (waiting for a check
   * in progress), downloaded when missing and MODELS_AUTO_DOWNLOAD allows.
   * Failures are ModelUnavailableErrors worded for users.
   */
  async ensure(entry: LocalModelEntry, signal: AbortSignal): Promise<string> {
    const present = await untilAborted(this.check(entry), signal);
    if (present !== null) {
      return present;
    }
    const file = this.pinnedFile(entry);
    if (!file) {
      throw missingFile(entry, this.options.modelsDir);
    }
    if (!this.options.autoDownload) {
      throw new ModelUnavailableError(this.status(entry).reason ?? notDownloadedReason(entry));
    }
    this.options.log.info({ model: entry.id }, 'downloading a local model on first use');
    try {
      // The download goes on for later requests when this one is cancelled.
      return await untilAborted(this.download(entry), signal);
    } catch (error) {
      if (error instanceof GenerationCancelledError) {
        throw error;
      }
      if (error instanceof ModelDownloadError || !(error instanceof AppError)) {
        throw new ModelUnavailableError(
          this.downloadFailures.get(entry.id) ?? downloadFailedReason(entry, file.url, error),
        );
      }
      throw error;
    }
  }

  /** Where the model is downloaded from and goes, and its last download failure (administrators only). */
  details(entry: LocalModelEntry): ModelDetails {
    let url: string | null = null;
    try {
      url = this.pinnedFile(entry)?.url ?? null;
    } catch {
      // A source no file can be named after: its status says why.
    }
    return {
      // A mirror's URL may carry a user name and password.
      url: url === null ? null : urlForLog(url),
      file: this.filePath(entry),
      lastError: this.downloadErrors.get(entry.id) ?? null,
    };
  }

  /** Where the model's file is or goes (its pinned name for a download). */
  filePath(entry: LocalModelEntry): string {
    return this.pinnedFile(entry)?.path ?? resolveSource(entry.source, this.options.modelsDir).path;
  }

  /** Stops the checks and downloads (partial downloads stay for a resume). */
  async close(): Promise<void> {
    this.closing.abort();
    await this.startup;
    await this.files.close();
    await this.downloader.close();
  }

  /** The pinned file of a downloaded model; null for a file path from the catalogue. */
  private pinnedFile(entry: LocalModelEntry): PinnedFile | null {
    const source = resolveSource(entry.source, this.options.modelsDir, entry.sha256);
    if (source.kind === 'file') {
      return null;
    }
    return { id: entry.id, label: entry.name, sha256: entry.sha256, size: entry.size, ...source };
  }
}

function missingFile(entry: LocalModelEntry, modelsDir: string): ModelUnavailableError {
  const { path } = resolveSource(entry.source, modelsDir);
  return new ModelUnavailableError(`The model file ${path} of ${entry.name} does not exist.`);
}
