import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDownloadServer, type DownloadServer } from '../../../../test/helpers/download-server.js';
import type { DownloadProgress } from '../provider.port.js';
import { ModelUnavailableError } from '../model-errors.js';
import { ModelDownloadError, ModelDownloader, type DownloadJob } from './model-downloader.js';

const BODY = randomBytes(300_000);
const SHA = createHash('sha256').update(BODY).digest('hex');

describe('ModelDownloader', () => {
  let dir: string;
  let server: DownloadServer;
  let downloader: ModelDownloader;
  let job: DownloadJob;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'downloader-'));
    server = await startDownloadServer(BODY);
    downloader = new ModelDownloader({ connectTimeoutMs: 2_000, idleTimeoutMs: 2_000, hfToken: 'hf_secret' });
    job = { label: 'Tiny Coder', url: server.url, target: path.join(dir, 'model.gguf'), sha256: SHA };
  });

  afterEach(async () => {
    await downloader.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const part = (): string => `${job.target}.part`;
  const gets = (): { range: string | undefined }[] => server.requests.filter((r) => r.method === 'GET');

  async function failure(promise: Promise<unknown>): Promise<ModelDownloadError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelDownloadError);
    // Generation reports it as an unavailable model.
    expect(error).toBeInstanceOf(ModelUnavailableError);
    return error as ModelDownloadError;
  }

  it('downloads, verifies and renames the file, reporting progress', async () => {
    const seen: DownloadProgress[] = [];
    const file = await downloader.download(job, (p) => seen.push(p));

    expect(file).toBe(job.target);
    expect(fs.readFileSync(file).equals(BODY)).toBe(true);
    expect(fs.existsSync(part())).toBe(false);
    expect(seen.at(-1)).toEqual({ receivedBytes: BODY.length, totalBytes: BODY.length });
    expect(seen.every((p) => p.totalBytes === BODY.length)).toBe(true);
    const received = seen.map((p) => p.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    // No token leaves for a host other than huggingface.co.
    expect(server.requests.every((r) => r.authorization === undefined)).toBe(true);
    expect(gets()).toEqual([expect.objectContaining({ range: undefined })]);
  });

  it('keeps the .part of an interrupted transfer and resumes it with Range', async () => {
    server.fault = { kind: 'cut', afterBytes: 100_000 };
    const error = await failure(downloader.download(job));
    expect(error.failure).toBe('interrupted');
    // The server sent 100000 bytes. Erroring a web stream drops the chunks
    // not read yet (WHATWG Streams), so the .part may hold a little less.
    const kept = fs.statSync(part()).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(100_000);
    expect(error.message).toMatch(
      new RegExp(`^Download of Tiny Coder failed: interrupted after ${kept} of 300000 bytes .*resume`),
    );
    expect(fs.existsSync(job.target)).toBe(false);

    server.fault = { kind: 'none' };
    await downloader.download(job);
    expect(gets().at(-1)?.range).toBe(`bytes=${kept}-`);
    expect(fs.readFileSync(job.target).equals(BODY)).toBe(true);
    expect(fs.existsSync(part())).toBe(false);
  });

  it('starts over when the server ignores Range and sends the whole file', async () => {
    fs.writeFileSync(part(), Buffer.alloc(5_000, 0xee)); // bytes that must not survive
    server.fault = { kind: 'ignore-range' };
    await downloader.download(job);
    expect(gets()).toEqual([expect.objectContaining({ range: 'bytes=5000-' })]);
    expect(fs.readFileSync(job.target).equals(BODY)).toBe(true);
  });

  it('discards a .part longer than the file and downloads it again', async () => {
    fs.writeFileSync(part(), Buffer.alloc(BODY.length + 10));
    await downloader.download(job);
    expect(gets()).toEqual([expect.objectContaining({ range: undefined })]);
    expect(fs.readFileSync(job.target).equals(BODY)).toBe(true);
  });

  it('rejects a file whose size differs from the announced size, leaving no file behind', async () => {
    server.fault = { kind: 'wrong-size', announcedBytes: BODY.length + 1_234 };
    const error = await failure(downloader.download(job));
    expect(error.failure).toBe('size-mismatch');
    expect(error.message).toBe(
      `Download of Tiny Coder failed: expected ${BODY.length + 1_234} bytes, got ${BODY.length}`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('rejects a file whose sha256 differs from the catalogue, leaving no file behind', async () => {
    const wrong = createHash('sha256').update('something else').digest('hex');
    const error = await failure(downloader.download({ ...job, sha256: wrong }));
    expect(error.failure).toBe('sha256-mismatch');
    expect(error.message).toBe(
      `Download of Tiny Coder failed: sha256 mismatch (expected ${wrong}, got ${SHA})`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('does not fetch a file whose announced size differs from the pinned size', async () => {
    const error = await failure(downloader.download({ ...job, size: BODY.length + 1 }));
    expect(error.failure).toBe('size-mismatch');
    expect(error.message).toBe(
      `Download of Tiny Coder failed: the server offers ${BODY.length} bytes, the catalogue pins ${BODY.length + 1}: not the pinned file`,
    );
    expect(gets()).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('reports the sha256 check of a finished download as its own step, with the bytes hashed', async () => {
    const big = randomBytes(48 * 1_048_576);
    const bigServer = await startDownloadServer(big);
    try {
      const bigJob = {
        ...job,
        url: bigServer.url,
        sha256: createHash('sha256').update(big).digest('hex'),
        size: big.length,
      };
      const done = downloader.download(bigJob);
      const hashed: number[] = [];
      // An object, not a let: it changes in a callback the linter cannot see.
      const finished = { now: false };
      void done.finally(() => {
        finished.now = true;
      });
      while (!finished.now) {
        const verifying = downloader.verifying(job.target);
        if (verifying) {
          expect(verifying.totalBytes).toBe(big.length);
          // Once hashing started, the transfer itself is complete.
          expect(downloader.progress(job.target)?.receivedBytes).toBe(big.length);
          hashed.push(verifying.receivedBytes);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await done;
      expect(hashed.some((n) => n > 0 && n < big.length)).toBe(true);
      expect(downloader.verifying(job.target)).toBeUndefined();
    } finally {
      await bigServer.close();
    }
  });

  it('says clearly when the server is gone', async () => {
    server.fault = { kind: 'gone' };
    const dropped = await failure(downloader.download(job));
    expect(dropped.failure).toBe('unreachable');
    expect(dropped.message).toMatch(/^Download of Tiny Coder failed: cannot reach 127\.0\.0\.1:\d+ \(.+\)$/);

    // The server has stopped listening now: the next try is refused.
    const refused = await failure(downloader.download(job));
    expect(refused.message).toBe(
      `Download of Tiny Coder failed: cannot reach 127.0.0.1:${server.port} (ECONNREFUSED)`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('reports a missing file with its HTTP status', async () => {
    server.fault = { kind: 'not-found' };
    const error = await failure(downloader.download(job));
    expect(error.failure).toBe('http-status');
    expect(error.message).toContain('answered 404');
  });

  it('gives up on a stalled transfer after the idle timeout and keeps the .part', async () => {
    const impatient = new ModelDownloader({ idleTimeoutMs: 300 });
    server.fault = { kind: 'stall', afterBytes: 50_000 };
    const error = await failure(impatient.download(job));
    expect(error.failure).toBe('timeout');
    expect(error.message).toContain('no data for 0.3 s after 50000 of 300000 bytes');
    expect(fs.statSync(part()).size).toBe(50_000);
    await impatient.close();
  });

  it('applies the connect timeout to the wait for an answer only, not to a long transfer', async () => {
    const slow = await startDownloadServer(BODY, { throttle: { chunkBytes: 20_000, delayMs: 40 } });
    // 15 chunks 40 ms apart: the body alone takes about 600 ms, three times the connect timeout.
    const quick = new ModelDownloader({ connectTimeoutMs: 200, idleTimeoutMs: 2_000 });
    try {
      await quick.download({ ...job, url: slow.url });
      expect(fs.readFileSync(job.target).equals(BODY)).toBe(true);
    } finally {
      await quick.close();
      await slow.close();
    }
  });

  it('gives up when the server accepts the connection but never answers', async () => {
    server.fault = { kind: 'no-answer' };
    const quick = new ModelDownloader({ connectTimeoutMs: 200 });
    try {
      const error = await failure(quick.download(job));
      expect(error.failure).toBe('timeout');
      expect(error.message).toBe(
        `Download of Tiny Coder failed: no answer from 127.0.0.1:${server.port} within 0.2 s`,
      );
    } finally {
      await quick.close();
    }
  });

  it('shares one transfer between concurrent requests for the same file', async () => {
    const a: DownloadProgress[] = [];
    const b: DownloadProgress[] = [];
    const [first, second] = await Promise.all([
      downloader.download(job, (p) => a.push(p)),
      downloader.download(job, (p) => b.push(p)),
    ]);
    expect(first).toBe(job.target);
    expect(second).toBe(job.target);
    expect(gets()).toHaveLength(1);
    expect(a.at(-1)?.receivedBytes).toBe(BODY.length);
    expect(b.at(-1)?.receivedBytes).toBe(BODY.length);
  });
});
