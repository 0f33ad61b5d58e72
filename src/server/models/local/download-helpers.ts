import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** Small pieces of the model downloader: sizes, statuses, causes, hashes. */

/** Size of a file in bytes; 0 when it does not exist. */
export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Content-Length as a number, or null when absent or malformed. */
export function contentLength(response: Response): number | null {
  const value = response.headers.get('content-length');
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

/** A failed HTTP status in plain words, with what to do where we know it. */
export function describeStatus(status: number, url: string): string {
  const host = new URL(url).host;
  if (status === 401 || status === 403) {
    return `${host} answered ${status}: the file needs access rights (for a gated Hugging Face model, accept its licence and set HF_TOKEN)`;
  }
  if (status === 404) {
    return `${host} answered 404: no such file at ${url}`;
  }
  return `${host} answered HTTP ${status}`;
}

/** The most specific reason a fetch failed: ECONNREFUSED, "other side closed", ... */
export function networkCause(error: unknown): string {
  let current: unknown = error;
  let reason = 'unknown error';
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    // System codes (ECONNREFUSED) say more than their messages; undici's own codes say less.
    reason = code !== undefined && /^E[A-Z]+$/.test(code) ? code : current.message;
    current = current.cause;
  }
  return reason;
}

/**
 * Hex SHA-256 of a file, read as a stream in 1 MiB pieces: each piece is
 * hashed in about a millisecond, so gigabytes never block the event loop.
 * `onProgress` gets the bytes hashed so far; `signal` stops the reading.
 */
export async function sha256File(
  file: string,
  onProgress?: (hashedBytes: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const hash = createHash('sha256');
  let hashed = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1_048_576, signal })) {
    hash.update(chunk as Buffer);
    hashed += (chunk as Buffer).length;
    onProgress?.(hashed);
  }
  return hash.digest('hex');
}

/**
 * Whether the host of `url` answers at all: one HEAD request, redirects not
 * followed, any HTTP status counts as an answer. Resolves with null when it
 * answered, else the cause (ECONNREFUSED, ENOTFOUND, "no answer within 5 s").
 */
export async function probeHost(url: string, timeoutMs: number, signal: AbortSignal): Promise<string | null> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.any([signal, timeout]),
    });
    await response.body?.cancel();
    return null;
  } catch (error) {
    return timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : networkCause(error);
  }
}
