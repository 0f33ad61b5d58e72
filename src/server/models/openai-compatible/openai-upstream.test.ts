import { describe, expect, it } from 'vitest';
import { hideAddresses, MAX_ERROR_BODY_BYTES, readLimitedText, userMessage } from './openai-upstream.js';

/** A body that arrives in pieces of `sizes` bytes of "x", and records whether it was cancelled. */
function body(sizes: number[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = sizes[i++];
      if (size === undefined) {
        controller.close();
      } else {
        controller.enqueue(new TextEncoder().encode('x'.repeat(size)));
      }
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

describe('readLimitedText', () => {
  it('reads a body up to the limit whole', async () => {
    const b = body([3, 3]);
    expect(await readLimitedText(b.stream, 6)).toEqual({ text: 'xxxxxx', truncated: false });
    expect(b.cancelled()).toBe(false);
  });

  it('stops reading past the limit, says so, and cancels the rest', async () => {
    const b = body([4, 4, 4, 4]);
    expect(await readLimitedText(b.stream, 6)).toEqual({ text: 'xxxxxxxx', truncated: true });
    expect(b.cancelled()).toBe(true);
  });

  it('reads an empty or missing body as empty text, error bodies up to 64 KiB by default', async () => {
    expect(await readLimitedText(null)).toEqual({ text: '', truncated: false });
    expect(MAX_ERROR_BODY_BYTES).toBe(64 * 1024);
    const big = await readLimitedText(body([40_000, 40_000, 40_000]).stream);
    expect(big).toEqual({ text: 'x'.repeat(80_000), truncated: true });
  });
});

describe('what users see of an upstream message', () => {
  it('hides URLs and IP addresses with their ports, keeping the rest', () => {
    expect(
      hideAddresses(
        'upstream connect error to http://inference.internal:8000/v1/chat (10.0.3.7:8000, [fd00::1]:9000)',
      ),
    ).toBe('upstream connect error to [address hidden] ([address hidden], [address hidden])');
    expect(hideAddresses('CUDA out of memory on GPU 0 (v1.2 build 3)')).toBe(
      'CUDA out of memory on GPU 0 (v1.2 build 3)',
    );
  });

  it('hides IPv6 addresses outside brackets too, as Node prints them, but not times or C++ names', () => {
    expect(hideAddresses('connect ECONNREFUSED ::1:8000')).toBe('connect ECONNREFUSED [address hidden]');
    expect(hideAddresses('no route to fd00:0:0:0:0:0:0:1 or 2001:db8::7, port 9000')).toBe(
      'no route to [address hidden] or [address hidden], port 9000',
    );
    expect(hideAddresses('timeout at 12:30:45 in std::vector, a :: b')).toBe(
      'timeout at 12:30:45 in std::vector, a :: b',
    );
  });

  it('hides them in a JSON error body, after removing the key', () => {
    const body = JSON.stringify({
      error: { message: 'Bad gateway: https://10.1.1.1:8443/v1 with key sk-123' },
    });
    expect(userMessage(body, 'sk-123')).toBe('Bad gateway: [address hidden] with key [redacted]');
  });
});
