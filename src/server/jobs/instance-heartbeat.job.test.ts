import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../logger.js';
import {
  CANCEL_POLL_MS,
  startInstanceHeartbeat,
  type InstanceHeartbeatJob,
} from './instance-heartbeat.job.js';

const HEARTBEAT_MS = 5000;

describe('instance heartbeat job', () => {
  let calls: string[];
  let warnings: unknown[];
  let job: InstanceHeartbeatJob | undefined;
  let failBeat: boolean;
  const log = {
    warn: (fields: unknown) => {
      warnings.push(fields);
    },
    info: () => undefined,
  } as unknown as Logger;

  function start(): InstanceHeartbeatJob {
    job = startInstanceHeartbeat({
      ownership: {
        beat: async () => {
          calls.push('beat');
          if (failBeat) {
            throw new Error('store busy');
          }
        },
        sweep: async () => {
          calls.push('sweep');
          return 0;
        },
      },
      runs: {
        abortRequested: async () => {
          calls.push('poll');
          return 0;
        },
      },
      log,
      heartbeatMs: HEARTBEAT_MS,
    });
    return job;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    warnings = [];
    failBeat = false;
  });
  afterEach(async () => {
    await job?.stop();
    vi.useRealTimers();
  });

  it('writes a heartbeat then sweeps every interval, and looks for stop requests twice a second', async () => {
    start();
    await vi.advanceTimersByTimeAsync(CANCEL_POLL_MS);
    expect(calls).toEqual(['poll']);
    calls = [];
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS - CANCEL_POLL_MS);
    expect(calls.filter((c) => c !== 'poll')).toEqual(['beat', 'sweep']);
    expect(calls.filter((c) => c === 'poll')).toHaveLength(HEARTBEAT_MS / CANCEL_POLL_MS - 1);
    expect(CANCEL_POLL_MS).toBeLessThan(1000);
  });

  it('logs a failed pass and goes on at the next one', async () => {
    failBeat = true;
    start();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(calls.filter((c) => c !== 'poll')).toEqual(['beat']);
    expect(warnings).toEqual([{ err: new Error('store busy') }]);
    failBeat = false;
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(calls.filter((c) => c !== 'poll')).toEqual(['beat', 'beat', 'sweep']);
  });

  it('does nothing more once stopped', async () => {
    await start().stop();
    await vi.advanceTimersByTimeAsync(10 * HEARTBEAT_MS);
    expect(calls).toEqual([]);
  });
});
