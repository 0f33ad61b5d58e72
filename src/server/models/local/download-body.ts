import fs from 'node:fs';
import type { DownloadProgress } from '../provider.port.js';
import { ModelDownloadError, type DownloadFailure } from './download-error.js';
import { networkCause } from './download-helpers.js';

/** Where a response body goes, and when to give up on it. */
export interface BodySink {
  /** The .part file, appended to from `start` (0: written afresh). */
  part: string;
  start: number;
  /** The final size, when known (for progress and messages). */
  expected: number | null;
  /** Longest silence between two pieces. */
  idleTimeoutMs: number;
  /** Aborted when the downloader closes. */
  closing: AbortSignal;
}

/**
 * Appends a response body to its .part file, resetting the idle timer on
 * every piece. Every received byte reaches the file before the next read,
 * so an interrupted transfer resumes exactly where it stopped.
 */
export async function writeBody(
  response: Response,
  sink: BodySink,
  report: (p: DownloadProgress) => void,
  fail: (message: string, failure: DownloadFailure) => ModelDownloadError,
): Promise<void> {
  const { part, start, expected, idleTimeoutMs, closing } = sink;
  const file = await fs.promises.open(part, start > 0 ? 'a' : 'w');
  let received = start;
  // An object, not a let: it changes in a timer callback the compiler cannot see.
  const stalled = { now: false };
  const reader = response.body?.getReader();
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled.now = true;
      void reader?.cancel();
    }, idleTimeoutMs);
  };
  const onClose = (): void => void reader?.cancel();
  closing.addEventListener('abort', onClose);
  report({ receivedBytes: received, totalBytes: expected });
  try {
    arm();
    for (;;) {
      const piece = reader ? await reader.read() : { done: true as const, value: undefined };
      if (stalled.now) {
        throw fail(
          `no data for ${idleTimeoutMs / 1000} s after ${received} of ${expected ?? '?'} bytes. Run again to resume.`,
          'timeout',
        );
      }
      if (closing.aborted) {
        throw fail('cancelled', 'cancelled');
      }
      if (piece.done) {
        return;
      }
      arm();
      // Every received byte reaches the .part before the next read, so an
      // interrupted transfer resumes exactly where it stopped.
      await file.write(piece.value);
      received += piece.value.length;
      report({ receivedBytes: received, totalBytes: expected });
    }
  } catch (error) {
    if (error instanceof ModelDownloadError) {
      throw error;
    }
    throw fail(
      `interrupted after ${received} of ${expected ?? '?'} bytes (${networkCause(error)}). Run again to resume.`,
      'interrupted',
    );
  } finally {
    clearTimeout(timer);
    closing.removeEventListener('abort', onClose);
    await file.close();
  }
}
