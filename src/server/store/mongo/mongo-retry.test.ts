import { MongoServerError } from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import { retryTransient } from './mongo-retry.js';

const transient = () => new MongoServerError({ code: 189, codeName: 'PrimarySteppedDown', errmsg: 'x' });
const lasting = () => new MongoServerError({ code: 13, codeName: 'Unauthorized', errmsg: 'x' });

describe('retryTransient', () => {
  it('tries again after a transient error, with growing pauses, and answers the result', async () => {
    const pauses: number[] = [];
    const step = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(transient())
      .mockRejectedValueOnce(transient())
      .mockResolvedValue('done');
    await expect(retryTransient(step, async (ms) => void pauses.push(ms))).resolves.toBe('done');
    expect(step).toHaveBeenCalledTimes(3);
    expect(pauses).toEqual([100, 200]);
  });

  it('throws any other error at once', async () => {
    const step = vi.fn<() => Promise<void>>().mockRejectedValue(lasting());
    await expect(retryTransient(step, async () => undefined)).rejects.toMatchObject({ code: 13 });
    expect(step).toHaveBeenCalledTimes(1);
  });

  it('gives up after four tries of a lasting outage, with the last error', async () => {
    const step = vi.fn<() => Promise<void>>().mockRejectedValue(transient());
    await expect(retryTransient(step, async () => undefined)).rejects.toMatchObject({ code: 189 });
    expect(step).toHaveBeenCalledTimes(4);
  });
});
