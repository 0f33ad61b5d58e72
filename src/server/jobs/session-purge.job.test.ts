import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../clock.js';
import type { Logger } from '../logger.js';
import { fixtureSession, fixtureUser, T0 } from '../store/store-fixtures.js';
import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';
import type { Store } from '../store/store.port.js';
import { SESSION_PURGE_INTERVAL_MS, startSessionPurge } from './session-purge.job.js';

const HOUR = 3_600_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-purge-'));

function recordingLog(): Logger & { lines: { level: string; fields: unknown; message?: string }[] } {
  const lines: { level: string; fields: unknown; message?: string }[] = [];
  const at =
    (level: string) =>
    (fields: unknown, message?: string): void => {
      lines.push({ level, fields, message });
    };
  const log = { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  return { ...log, child: () => log as unknown as Logger };
}

describe('session purge job', () => {
  let store: Store;

  beforeEach(() => {
    vi.useFakeTimers();
    store = SqliteStore.open(path.join(dir, `${Math.random().toString(36).slice(2)}.db`));
  });

  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deletes expired and idle sessions every interval, at the injected clock time, and stops on close', async () => {
    const user = await store.users.create(fixtureUser());
    const expiring = await store.sessions.create(
      fixtureSession(user.id, {
        lastUsedAt: new Date(T0.getTime() + 2 * HOUR),
        expiresAt: new Date(T0.getTime() + HOUR),
      }),
    );
    const idle = await store.sessions.create(fixtureSession(user.id, { lastUsedAt: T0 }));
    const live = await store.sessions.create(
      fixtureSession(user.id, { lastUsedAt: new Date(T0.getTime() + 2 * HOUR) }),
    );
    const clock = new ManualClock(T0.getTime() + 2 * HOUR);
    const log = recordingLog();
    const job = startSessionPurge({ sessions: store.sessions, clock, idleMs: 1.5 * HOUR, log });

    // Nothing happens before the first interval.
    expect(await store.sessions.findById(expiring.id)).not.toBeNull();
    await vi.advanceTimersByTimeAsync(SESSION_PURGE_INTERVAL_MS);

    await expect.poll(() => store.sessions.findById(expiring.id)).toBeNull();
    await expect.poll(() => store.sessions.findById(idle.id)).toBeNull();
    expect(await store.sessions.findById(live.id)).not.toBeNull();
    expect(log.lines).toContainEqual({
      level: 'info',
      fields: { purged: 2 },
      message: 'expired sessions purged',
    });

    await job.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('logs a failed purge and keeps running', async () => {
    const purgeExpired = vi
      .fn<(now: Date, idleMs: number) => Promise<number>>()
      .mockRejectedValueOnce(new Error('database is locked'))
      .mockResolvedValue(0);
    const clock = new ManualClock(T0);
    const log = recordingLog();
    const job = startSessionPurge({ sessions: { purgeExpired }, clock, idleMs: HOUR, log, intervalMs: 1000 });

    expect(await job.runOnce()).toBe(0);
    expect(log.lines).toEqual([
      { level: 'warn', fields: { err: new Error('database is locked') }, message: 'session purge failed' },
    ]);
    clock.advance(5000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(purgeExpired).toHaveBeenLastCalledWith(new Date(T0.getTime() + 5000), HOUR);
    expect(purgeExpired).toHaveBeenCalledTimes(2);

    await job.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
