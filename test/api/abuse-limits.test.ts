import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { apiClient, newAccount, registerAndLogin, type Json } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { useTestServer } from '../helpers/suite.js';

/*
 * Issue 13, findings 5, 6 and 10. The app does not trust X-Forwarded-For in
 * tests (TRUST_PROXY is off), so each "source" is a real local address: the
 * client binds to 127.0.0.x (Linux routes all of 127/8 to lo) and the server
 * sees that address as request.ip.
 */

interface SourceResponse {
  status: number;
  retryAfter: string | undefined;
  body: Json;
}

/** A client whose requests come from `ip`. */
function source(baseUrl: () => string, ip: string) {
  function request(method: string, path: string, body?: unknown, token?: string): Promise<SourceResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const url = new URL(path, baseUrl());
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          localAddress: ip,
          headers: {
            // DELETE is not chunked by default in node:http: the length is needed for its body.
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const header = res.headers['retry-after'];
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: typeof header === 'string' ? header : undefined,
              body:
                text.length > 0 && (res.headers['content-type'] ?? '').includes('json')
                  ? JSON.parse(text)
                  : text,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  return {
    login: (identifier: string, password: string) =>
      request('POST', '/api/auth/login', { username: identifier, password }),
    changePassword: (token: string, currentPassword: string) =>
      request(
        'POST',
        '/api/profile/password',
        { currentPassword, newPassword: 'a brand new passphrase 9' },
        token,
      ),
    changeEmail: (token: string, email: string, currentPassword: string) =>
      request('PATCH', '/api/profile', { email, currentPassword }, token),
    deleteAccount: (token: string, password: string) =>
      request('DELETE', '/api/profile', { password }, token),
  };
}

const WRONG = secret('not the right password 7');
let nextHost = 10;
/** A local address no other test of this file has used. */
function newSource(baseUrl: () => string) {
  nextHost++;
  return source(baseUrl, `127.0.0.${nextHost}`);
}

/** This suite's server with 5 failures per account and source, an API client, and its URL for sources. */
function useThrottledServer(name: string, env: Record<string, string> = {}) {
  const server = useTestServer({ name, env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', ...env } });
  return { api: apiClient(() => server.url), url: () => server.url };
}

describe('failed sign-ins are counted per account and source (finding 5)', () => {
  const { api, url } = useThrottledServer('abuse-login', { LOGIN_FAILURE_WINDOW_MINUTES: '15' });

  it("five wrong passwords from source A: the owner's right password from source B still signs in, A waits", async () => {
    const a = newAccount('owner');
    expect((await api.post('/api/auth/register', a)).status).toBe(201);
    const attacker = newSource(url);
    const owner = newSource(url);
    for (let i = 0; i < 5; i++) {
      expect((await attacker.login(a.username, WRONG)).status).toBe(401);
    }
    const fromB = await owner.login(a.username, a.password);
    expect(fromB.status).toBe(200);
    expect(fromB.body.user.username).toBe(a.username);

    // The attacking source keeps getting 429, even with the right password.
    for (const password of [WRONG, a.password]) {
      const res = await attacker.login(a.username, password);
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.retryAfter)).toBeGreaterThan(0);
      expect(Number(res.retryAfter)).toBeLessThanOrEqual(15 * 60);
    }
  });

  it("the account's username and email share one count", async () => {
    const a = newAccount('twokeys');
    expect((await api.post('/api/auth/register', a)).status).toBe(201);
    const attacker = newSource(url);
    for (const identifier of [a.username, a.email, a.username.toUpperCase(), a.email, a.username]) {
      expect((await attacker.login(identifier, WRONG)).status).toBe(401);
    }
    expect((await attacker.login(a.email, WRONG)).status).toBe(429);
    expect((await attacker.login(a.username, WRONG)).status).toBe(429);
  });

  it('answers an unknown account exactly as an existing one: five 401s, then 429', async () => {
    const a = newAccount('exists');
    expect((await api.post('/api/auth/register', a)).status).toBe(201);
    const attacker = newSource(url);
    const answers = async (identifier: string) => {
      const seen: [number, unknown][] = [];
      for (let i = 0; i < 6; i++) {
        const res = await attacker.login(identifier, WRONG);
        seen.push([res.status, res.body]);
      }
      return seen;
    };
    const known = await answers(a.username);
    const unknown = await answers(`nobody_${a.username}`.slice(0, 32));
    expect(unknown).toEqual(known);
    expect(known.map(([status]) => status)).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('a ceiling of failed sign-ins per account from all sources (finding 5)', () => {
  const { api, url } = useThrottledServer('abuse-ceiling', { LOGIN_MAX_FAILURES_PER_HOUR: '8' });

  it('refuses every source once the account has had the ceiling of failures in an hour', async () => {
    const a = newAccount('ceiling');
    const b = newAccount('bystander');
    expect((await api.post('/api/auth/register', a)).status).toBe(201);
    expect((await api.post('/api/auth/register', b)).status).toBe(201);
    for (const attacker of [newSource(url), newSource(url)]) {
      for (let i = 0; i < 4; i++) {
        expect((await attacker.login(a.username, WRONG)).status).toBe(401);
      }
    }
    const owner = newSource(url);
    const res = await owner.login(a.email, a.password);
    expect(res.status).toBe(429);
    expect(Number(res.retryAfter)).toBeGreaterThan(0);
    expect(Number(res.retryAfter)).toBeLessThanOrEqual(3600);
    // Other accounts are untouched.
    expect((await owner.login(b.username, b.password)).status).toBe(200);
  });
});

describe('password checks behind a session count as failed sign-ins (finding 6)', () => {
  const { api, url } = useThrottledServer('abuse-session-checks');

  it('password change, email change and account deletion with wrong passwords end in 429, as sign-in does', async () => {
    const { account, token } = await registerAndLogin(api, newAccount('stolen'));
    const thief = newSource(url);
    const wrongAnswers = [
      await thief.changePassword(token, WRONG),
      await thief.changePassword(token, WRONG),
      await thief.changeEmail(token, `new.${account.email}`, WRONG),
      await thief.changeEmail(token, `new.${account.email}`, WRONG),
      await thief.deleteAccount(token, WRONG),
    ];
    expect(wrongAnswers.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);

    for (const attempt of [
      () => thief.changePassword(token, WRONG),
      () => thief.changeEmail(token, `new.${account.email}`, WRONG),
      () => thief.deleteAccount(token, account.password),
      () => thief.login(account.username, account.password),
    ]) {
      const res = await attempt();
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.retryAfter)).toBeGreaterThan(0);
    }
    // Nothing changed: the account still signs in from another source with its password.
    expect((await newSource(url).login(account.email, account.password)).status).toBe(200);
  });

  it('a wrong current password counts with failed sign-ins from the same source', async () => {
    const { account, token } = await registerAndLogin(api, newAccount('mixed'));
    const attacker = newSource(url);
    for (let i = 0; i < 3; i++) {
      expect((await attacker.login(account.username, WRONG)).status).toBe(401);
    }
    expect((await attacker.changePassword(token, WRONG)).status).toBe(400);
    expect((await attacker.deleteAccount(token, WRONG)).status).toBe(400);
    expect((await attacker.changePassword(token, account.password)).status).toBe(429);
  });
});

describe('display names with control characters (finding 10)', () => {
  const server = useTestServer({ name: 'abuse-display-name' });
  const api = apiClient(() => server.url);

  const UNSAFE: [string, string][] = [
    ['CR/LF', 'Eve\r\nSet-Cookie: x=1'],
    ['a trailing LF', 'Eve\n'],
    ['NUL', 'Eve\u0000'],
    ['ESC', 'Eve \u001b[31mred'],
    ['DEL', 'Eve\u007f'],
    ['C1 NEL', 'Eve\u0085'],
    ['U+202E right-to-left override', 'Eve \u202Etxt.exe'],
    ['U+2066 left-to-right isolate', 'Eve \u2066x'],
    ['U+200F right-to-left mark', 'Eve\u200F'],
    ['U+2028 line separator', 'Eve\u2028Mallory'],
  ];

  it.each(UNSAFE)('refuses %s in a display name at registration with 400', async (_label, displayName) => {
    const res = await api.post('/api/auth/register', { ...newAccount('ctl'), displayName });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(JSON.stringify(res.body.error.details)).toContain(
      'Display name cannot contain line breaks, control characters or text-direction marks.',
    );
  });

  it.each(UNSAFE)('refuses %s in a display name on the profile with 400', async (_label, displayName) => {
    const { token } = await registerAndLogin(api, newAccount('ctlp'));
    const res = await api.request('PATCH', '/api/profile', { displayName }, { token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect((await api.get('/api/auth/me', { token })).body.user.displayName).toBeNull();
  });

  it('refuses a username with a trailing line break by the same rule', async () => {
    const a = newAccount('ctlu');
    const res = await api.post('/api/auth/register', { ...a, username: `${a.username}\n` });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toContain(
      'Username cannot contain line breaks, control characters or text-direction marks.',
    );
  });

  it('still accepts names in any script, with accents, emoji and inner spaces', async () => {
    for (const displayName of ['Grace Hopper', 'Zoë Ångström', 'محمد عبد الله', '山田 太郎 🎉']) {
      const res = await api.post('/api/auth/register', { ...newAccount('ok'), displayName });
      expect(res.status).toBe(201);
      expect(res.body.user.displayName).toBe(displayName);
    }
  });
});
