import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useMemoryCounters } from '../../test/helpers/counters.js';
import type { CounterRepository } from './store/counters.port.js';
import { resolveSessionSecret, SESSION_SECRET_NAME, type KeepSecret } from './session-secret.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-secret-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  dirs.splice(0).forEach((d) => {
    fs.rmSync(d, { recursive: true, force: true });
  });
});
const newCounters = useMemoryCounters();
/** The store's insert-if-absent, as main.ts passes it. */
const keeper =
  (counters: CounterRepository): KeepSecret =>
  (candidate) =>
    counters.keepSecret(SESSION_SECRET_NAME, candidate, 0);

describe('resolveSessionSecret', () => {
  it('generates a 256-bit secret on first start, keeps it in the store, and reuses it', async () => {
    const keep = keeper(newCounters());
    const dir = path.join(tmp(), 'nested', 'data');
    const first = await resolveSessionSecret(undefined, dir, keep);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    // Nothing on the host's disk: a second instance elsewhere reads the same store.
    expect(fs.existsSync(path.join(dir, 'session-secret'))).toBe(false);
    expect(await resolveSessionSecret(undefined, tmp(), keep)).toBe(first);
  });

  it('gives instances starting at once on one store the same secret', async () => {
    const keep = keeper(newCounters());
    const secrets = await Promise.all(
      [tmp(), tmp(), tmp()].map((dir) => resolveSessionSecret(undefined, dir, keep)),
    );
    expect(new Set(secrets).size).toBe(1);
  });

  it('generates a different secret for another store', async () => {
    const dir = tmp();
    expect(await resolveSessionSecret(undefined, dir, keeper(newCounters()))).not.toBe(
      await resolveSessionSecret(undefined, dir, keeper(newCounters())),
    );
  });

  it('carries a secret an earlier version kept in DATA_DIR into the store, so nobody is signed out', async () => {
    const counters = newCounters();
    const dir = tmp();
    const old = 'o'.repeat(43);
    fs.writeFileSync(path.join(dir, 'session-secret'), `${old}\n`, { mode: 0o600 });
    expect(await resolveSessionSecret(undefined, dir, keeper(counters))).toBe(old);
    expect(await resolveSessionSecret(undefined, tmp(), keeper(counters))).toBe(old);
  });

  it('prefers SESSION_SECRET and writes nothing', async () => {
    const dir = tmp();
    const counters = newCounters();
    expect(await resolveSessionSecret('s'.repeat(32), dir, keeper(counters))).toBe('s'.repeat(32));
    expect(fs.existsSync(path.join(dir, 'session-secret'))).toBe(false);
    // Nothing stored either: the first generated secret is still to come.
    expect(await counters.keepSecret(SESSION_SECRET_NAME, 'probe', 0)).toBe('probe');
  });

  it('refuses a file that holds no valid secret rather than signing with it', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'session-secret'), 'short\n');
    await expect(resolveSessionSecret(undefined, dir, keeper(newCounters()))).rejects.toThrow(
      /does not hold a valid secret/,
    );
  });
});
