import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSessionSecret } from './session-secret.js';

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

describe('resolveSessionSecret', () => {
  it('generates a 256-bit secret on first start, kept with mode 0600, and reuses it', () => {
    const dir = path.join(tmp(), 'nested', 'data');
    const first = resolveSessionSecret(undefined, dir);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    const file = path.join(dir, 'session-secret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveSessionSecret(undefined, dir)).toBe(first);
  });

  it('generates a different secret in another folder', () => {
    expect(resolveSessionSecret(undefined, tmp())).not.toBe(resolveSessionSecret(undefined, tmp()));
  });

  it('prefers SESSION_SECRET and writes nothing', () => {
    const dir = tmp();
    expect(resolveSessionSecret('s'.repeat(32), dir)).toBe('s'.repeat(32));
    expect(fs.existsSync(path.join(dir, 'session-secret'))).toBe(false);
  });

  it('refuses a file that holds no valid secret rather than signing with it', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'session-secret'), 'short\n');
    expect(() => resolveSessionSecret(undefined, dir)).toThrow(/does not hold a valid secret/);
  });
});
