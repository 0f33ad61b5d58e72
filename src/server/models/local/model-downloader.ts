import fs from 'node:fs';
import path from 'node:path';
import type { DownloadProgress } from '../provider.port.js';
import { writeBody } from './download-body.js';
import { ModelDownloadError, type DownloadFailure } from './download-error.js';
import { contentLength, describeStatus, fileSize, networkCause, sha256File } from './download-helpers.js';

export { ModelDownloadError, type DownloadFailure } from './download-error.js';
import { authHeaders } from './model-source.js';

export interface DownloadJob {
  /** Model name for messages ("Download of <label> failed: ..."). */
  label: string;
  url: string;
  /** Final file path; the transfer writes `<target>.part`. */
  target: string;
  /** Expected hex SHA-256, verified before the rename when given. */
  sha256?: string | undefined;
  /**
   * Expected size in bytes (the catalogue's pin). When the server offers
   * another size the transfer does not start: it is another file.
   */
  size?: number | undefined;
}

export interface ModelDownloaderOptions {
  /** Until the response headers arrive (default 30 s). */
  connectTimeoutMs?: number;
  /** Longest silence while the body streams (default 60 s). */
  idleTimeoutMs?: number;
  /** Default: process.env.HF_TOKEN. */
  hfToken?: string | undefined;
}

interface Transfer {
  promise: Promise<string>;
  progress: DownloadProgress;
  /** Bytes of the finished .part hashed so far, while its sha256 is checked. */
  verifying?: DownloadProgress;
  listeners: Set<(p: DownloadProgress) => void>;
}

/**
 * Downloads model files into place: resumable (`Range` from the size of
 * `<target>.part`), verified (size, and sha256 when known) and renamed only
 * when complete, so the final name never holds a half file; a file that
 * does not match is deleted. Concurrent requests for the same target share
 * one transfer. A target that already exists is returned as it is: callers
 * check it first (model-files.ts).
 */
export class ModelDownloader {
  private readonly transfers = new Map<string, Transfer>();
  private readonly closing = new AbortController();
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly hfToken: string | undefined;

  constructor(options: ModelDownloaderOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.hfToken = 'hfToken' in options ? options.hfToken : process.env.HF_TOKEN;
  }

  /** Progress of a running download of `target`, if any (also while its sha256 is checked). */
  progress(target: string): DownloadProgress | undefined {
    const transfer = this.transfers.get(target);
    return transfer ? { ...transfer.progress } : undefined;
  }

  /** Bytes hashed of a downloaded file whose sha256 is being checked, if that is where `target` is. */
  verifying(target: string): DownloadProgress | undefined {
    const verifying = this.transfers.get(target)?.verifying;
    return verifying ? { ...verifying } : undefined;
  }

  /** Resolves with the final path once the file is there and verified. */
  download(job: DownloadJob, onProgress?: (p: DownloadProgress) => void): Promise<string> {
    let transfer = this.transfers.get(job.target);
    if (!transfer) {
      const created: Transfer = {
        progress: { receivedBytes: 0, totalBytes: null },
        listeners: new Set(),
        promise: Promise.resolve(''),
      };
      const report = (p: DownloadProgress): void => {
        created.progress = p;
        for (const listener of created.listeners) {
          listener({ ...p });
        }
      };
      const reportHashed = (hashedBytes: number, totalBytes: number): void => {
        created.verifying = { receivedBytes: hashedBytes, totalBytes };
      };
      created.promise = this.run(job, report, reportHashed).finally(() => {
        this.transfers.delete(job.target);
      });
      this.transfers.set(job.target, created);
      transfer = created;
    }
    if (onProgress) {
      const listeners = transfer.listeners;
      listeners.add(onProgress);
      void transfer.promise.then(
        () => listeners.delete(onProgress),
        () => listeners.delete(onProgress),
      );
    }
    return transfer.promise;
  }

  /** Cancels running transfers (their .part files stay for a later resume). */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.transfers.values()].map((t) => t.promise));
  }

  private async run(
    job: DownloadJob,
    report: (p: DownloadProgress) => void,
    reportHashed: (hashedBytes: number, totalBytes: number) => void,
  ): Promise<string> {
    if (fs.existsSync(job.target)) {
      return job.target;
    }
    await fs.promises.mkdir(path.dirname(job.target), { recursive: true });
    const part = `${job.target}.part`;
    const fail = (message: string, failure: DownloadFailure, httpStatus?: number): ModelDownloadError =>
      new ModelDownloadError(`Download of ${job.label} failed: ${message}`, failure, httpStatus);
    const discardPart = (): Promise<void> => fs.promises.rm(part, { force: true });

    // HEAD first: the size the server announces is what the file must end up
    // as. Best effort: some signed CDN URLs answer GET only, and a real
    // problem (404, 401) shows again in the GET's status.
    const head = await this.request(job, 'HEAD', undefined, fail);
    const announced = head.ok ? contentLength(head) : null;
    if (job.size !== undefined && announced !== null && announced !== job.size) {
      // Another file than the pinned one (a re-upload, a wrong URL): gigabytes not worth fetching.
      await discardPart();
      throw fail(
        `the server offers ${announced} bytes, the catalogue pins ${job.size}: not the pinned file`,
        'size-mismatch',
      );
    }
    let expected = job.size ?? announced;

    let start = fileSize(part);
    if (expected !== null && start > expected) {
      await discardPart();
      start = 0;
    }
    if (expected === null || start < expected) {
      const response = await this.request(job, 'GET', start > 0 ? start : undefined, fail);
      if (response.status === 416) {
        // Our .part already ends where the file ends, or past it.
        const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
        await response.body?.cancel();
        if (total === undefined || Number(total) !== start) {
          await discardPart();
          throw fail(`expected ${total ?? 'an unknown number of'} bytes, got ${start}`, 'size-mismatch');
        }
        expected = start;
      } else {
        if (response.status === 200) {
          start = 0; // The server ignored Range: start over.
        } else if (response.status === 206) {
          const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
          if (!match || Number(match[1]) !== start) {
            await response.body?.cancel();
            await discardPart();
            throw fail('the server answered a different byte range than asked for', 'size-mismatch');
          }
          expected ??= match[2] === '*' ? null : Number(match[2]);
        } else {
          await response.body?.cancel();
          throw fail(describeStatus(response.status, job.url), 'http-status', response.status);
        }
        const length = contentLength(response);
        expected ??= length === null ? null : start + length;
        const sink = {
          part,
          start,
          expected,
          idleTimeoutMs: this.idleTimeoutMs,
          closing: this.closing.signal,
        };
        await writeBody(response, sink, report, fail);
      }
    }

    const size = fileSize(part);
    if (expected !== null && size !== expected) {
      await discardPart();
      throw fail(`expected ${expected} bytes, got ${size}`, 'size-mismatch');
    }
    if (job.sha256) {
      reportHashed(0, size);
      const actual = await sha256File(
        part,
        (hashed) => {
          reportHashed(hashed, size);
        },
        this.closing.signal,
      ).catch((error: unknown) => {
        // Shutting down while hashing: the .part stays and is checked again next time.
        throw this.closing.signal.aborted ? fail('cancelled', 'cancelled') : error;
      });
      if (actual !== job.sha256.toLowerCase()) {
        await discardPart();
        throw fail(
          `sha256 mismatch (expected ${job.sha256.toLowerCase()}, got ${actual})`,
          'sha256-mismatch',
        );
      }
    }
    await fs.promises.rename(part, job.target);
    report({ receivedBytes: size, totalBytes: size });
    return job.target;
  }

  /** One request with the connect timeout; resolves once the headers are in. */
  private async request(
    job: DownloadJob,
    method: 'HEAD' | 'GET',
    rangeStart: number | undefined,
    fail: (message: string, failure: DownloadFailure) => ModelDownloadError,
  ): Promise<Response> {
    // fetch's signal governs the body too: this one may only fire until the
    // headers are in (the body has the idle timer and its own close handling).
    const controller = new AbortController();
    const waited = { tooLong: false };
    const timer = setTimeout(() => {
      waited.tooLong = true;
      controller.abort();
    }, this.connectTimeoutMs);
    const onClose = (): void => {
      controller.abort();
    };
    this.closing.signal.addEventListener('abort', onClose);
    try {
      return await fetch(job.url, {
        method,
        headers: {
          ...authHeaders(job.url, this.hfToken),
          // The size we verify is the size of the file, not of a compressed transfer.
          'Accept-Encoding': 'identity',
          ...(rangeStart === undefined ? {} : { Range: `bytes=${rangeStart}-` }),
        },
        redirect: 'follow',
        signal: controller.signal,
      });
    } catch (error) {
      if (this.closing.signal.aborted) {
        throw fail('cancelled', 'cancelled');
      }
      if (waited.tooLong) {
        throw fail(
          `no answer from ${new URL(job.url).host} within ${this.connectTimeoutMs / 1000} s`,
          'timeout',
        );
      }
      throw fail(`cannot reach ${new URL(job.url).host} (${networkCause(error)})`, 'unreachable');
    } finally {
      clearTimeout(timer);
      this.closing.signal.removeEventListener('abort', onClose);
    }
  }
}
