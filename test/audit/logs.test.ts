import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDENTITIES_DIR, LOGS_DIR, SECRETS_DIR } from '../helpers/secrets.js';

/**
 * Runs after every other test (npm test runs this project last): reads the
 * logs of the whole run and proves no password, token, cookie or hash ever
 * reached them.
 */
function readAll(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

const logs = readAll(LOGS_DIR).join('\n');
/** The recorded values (one JSON string a line) of every file in `dir`. */
const recorded = (dir: string) => [
  ...new Set(
    readAll(dir)
      .flatMap((text) => text.split('\n'))
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as string),
  ),
];
const secrets = recorded(SECRETS_DIR);
const identities = recorded(IDENTITIES_DIR);

describe('log audit of the whole test run', () => {
  it('has logs and secrets to audit (the other tests ran first)', () => {
    expect(logs.length).toBeGreaterThan(10_000);
    expect(logs).toContain('auth: login');
    expect(logs).toContain('auth: login_failed');
    expect(logs).toContain('auth: login_locked');
    expect(logs).toContain('auth: logout');
    expect(secrets.length).toBeGreaterThan(20);
  });

  it('contains none of the passwords, tokens or cookies the tests used', () => {
    const leaked = secrets.filter((s) => s.length >= 8 && logs.includes(s));
    expect(leaked).toEqual([]);
  });

  it('names no test user: log lines carry the user id, never a username or email (issue 13)', () => {
    expect(identities.length).toBeGreaterThan(20);
    const named = identities.filter((s) => logs.includes(s));
    expect(named).toEqual([]);
  });

  it('contains no password hash, no JWT and no session cookie', () => {
    expect(logs).not.toMatch(/\$argon2(id|i|d)\$/);
    expect(logs).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/);
    expect(logs).not.toMatch(/codegenie_session=[\w-]/);
  });
});
