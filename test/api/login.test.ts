import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiClient, newAccount, registerAndLogin } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';
import { secret } from '../helpers/secrets.js';
import { PasswordHasher } from '../../src/server/services/password-hasher.js';

const server = useTestServer({ name: 'login' });
const api = apiClient(() => server.url);

const INVALID = {
  error: { code: 'invalid_credentials', message: 'Invalid username or password. Please try again.' },
};

describe('POST /api/auth/login', () => {
  it('signs in by username: token, expiry, user and an HttpOnly SameSite=Lax cookie', async () => {
    const a = newAccount();
    await api.post('/api/auth/register', a);
    const res = await api.post('/api/auth/login', {
      username: a.username.toUpperCase(),
      password: a.password,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: 'Bearer',
      expiresIn: 7 * 24 * 3600,
      user: expect.objectContaining({ username: a.username, email: a.email }),
    });
    secret(res.body.accessToken);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = res.cookies[0] ?? '';
    expect(cookie).toMatch(/^codegenie_session=[\w.-]+;/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
    // The cookie carries the same session token as the body.
    expect(cookie.split(';')[0]).toBe(`codegenie_session=${res.body.accessToken}`);
  });

  it('accepts the email in the username field and as {email, password}', async () => {
    const a = newAccount();
    await api.post('/api/auth/register', a);
    expect(
      (await api.post('/api/auth/login', { username: a.email.toUpperCase(), password: a.password })).status,
    ).toBe(200);
    expect((await api.post('/api/auth/login', { email: a.email, password: a.password })).status).toBe(200);
  });

  it('gives unknown user and wrong password the same 401 body', async () => {
    const a = newAccount();
    await api.post('/api/auth/register', a);
    const wrong = await api.post('/api/auth/login', {
      username: a.username,
      password: secret('not the password 1'),
    });
    const unknown = await api.post('/api/auth/login', {
      username: 'nobody_here',
      password: secret('not the password 1'),
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(INVALID);
    expect(unknown.body).toEqual(INVALID);
    expect(wrong.cookies).toEqual([]);
  });

  it('does not truncate long passwords: the first 72 bytes of a 100-character one do not sign in', async () => {
    const long = secret('L'.repeat(40) + 'ong-passphrase-without-truncation-' + 'z'.repeat(26));
    expect(long).toHaveLength(100);
    const a = { ...newAccount(), password: long };
    expect((await api.post('/api/auth/register', a)).status).toBe(201);
    const first72 = await api.post('/api/auth/login', {
      username: a.username,
      password: secret(long.slice(0, 72)),
    });
    expect(first72.status).toBe(401);
    expect((await api.post('/api/auth/login', { username: a.username, password: long })).status).toBe(200);
  });

  it('registers and signs in with a 64-character passphrase with spaces and emoji', async () => {
    const phrase = secret('correct horse 🐴 battery staple 🔋 and a long walk by the sea 🌊 ok');
    expect(Array.from(phrase)).toHaveLength(64);
    const a = { ...newAccount(), password: phrase };
    expect((await api.post('/api/auth/register', a)).status).toBe(201);
    expect((await api.post('/api/auth/login', { username: a.username, password: phrase })).status).toBe(200);
    // Unicode is not normalised away: one changed emoji is a wrong password.
    const changed = await api.post('/api/auth/login', {
      username: a.username,
      password: secret(phrase.replace('🐴', '🦄')),
    });
    expect(changed.status).toBe(401);
  });

  it('creates a new session on every login and never reuses the one the client sent', async () => {
    const { account, token, cookie } = await registerAndLogin(api);
    const again = await api.post(
      '/api/auth/login',
      { username: account.username, password: account.password },
      { cookie, token },
    );
    expect(again.status).toBe(200);
    const token2 = secret(String(again.body.accessToken));
    expect(token2).not.toBe(token);
    const sessions = await server.store.sessions.listActiveForUser(
      again.body.user.id,
      new Date(),
      86_400_000,
    );
    expect(sessions).toHaveLength(2);
  });

  it.each([
    ['no identifier', { password: 'x' }],
    ['empty password', { username: 'someone', password: '' }],
    ['an operator object', { username: { $ne: null }, password: 'x' }],
    ['an array password', { username: 'someone', password: ['a'] }],
    ['unknown field', { username: 'someone', password: 'x', remember: true }],
  ])('refuses %s with 400', async (_label, body) => {
    const res = await api.post('/api/auth/login', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });

  it('re-hashes on login when the stored hash has older parameters', async () => {
    const a = newAccount();
    const weak = new PasswordHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await server.store.users.create({
      id: crypto.randomUUID(),
      username: a.username,
      email: a.email,
      displayName: null,
      passwordHash: await weak.hash(a.password),
      createdAt: new Date(),
    });
    expect((await api.post('/api/auth/login', { username: a.username, password: a.password })).status).toBe(
      200,
    );
    const stored = await server.store.users.findByUsername(a.username);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect((await api.post('/api/auth/login', { username: a.username, password: a.password })).status).toBe(
      200,
    );
  });
});

/*
 * OWASP: an unknown user costs the same as a wrong password, because the
 * sign-in still verifies a password, against a dummy hash. The time itself
 * is measured by `npm run bench` (bench/login-timing.bench.ts); here a spy
 * on the hasher shows which path was taken.
 */
describe('sign-in for an unknown user', () => {
  const hasher = new PasswordHasher();
  const spied = useTestServer({ name: 'login-dummy-hash', hasher });
  const sapi = apiClient(() => spied.url);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('verifies the password once against the dummy hash, as a wrong password is verified once', async () => {
    const a = newAccount();
    expect((await sapi.post('/api/auth/register', a)).status).toBe(201);
    const stored = await spied.store.users.findByUsername(a.username);
    const verify = vi.spyOn(hasher, 'verify');
    const verifyDummy = vi.spyOn(hasher, 'verifyDummy');

    const unknown = await sapi.post('/api/auth/login', {
      username: 'nobody_at_all',
      password: 'pw guess one',
    });
    expect(unknown.status).toBe(401);
    expect(verifyDummy).toHaveBeenCalledTimes(1);
    expect(verifyDummy).toHaveBeenCalledWith('pw guess one');
    expect(verify).toHaveBeenCalledTimes(1);
    const [dummyHash, dummyPassword] = verify.mock.calls[0] ?? [];
    expect(dummyPassword).toBe('pw guess one');
    // A real argon2id hash with the current cost, not the user's: the same work as a real check.
    expect(dummyHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(dummyHash).not.toBe(stored?.passwordHash);

    verify.mockClear();
    verifyDummy.mockClear();
    const wrong = await sapi.post('/api/auth/login', { username: a.username, password: 'pw guess two' });
    expect(wrong.status).toBe(401);
    expect(verifyDummy).not.toHaveBeenCalled();
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledWith(stored?.passwordHash, 'pw guess two');
  });
});

describe('brute-force protection', () => {
  const limited = useTestServer({
    name: 'throttle',
    env: {
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
      LOGIN_MAX_FAILURES_PER_IP: '20',
      LOGIN_FAILURE_WINDOW_MINUTES: '15',
    },
  });
  const lapi = apiClient(() => limited.url);

  it('answers 429 with Retry-After after 5 failures for one account, even with the right password', async () => {
    const a = newAccount();
    await lapi.post('/api/auth/register', a);
    for (let i = 0; i < 5; i++) {
      expect(
        (await lapi.post('/api/auth/login', { username: a.username, password: 'wrong-password' })).status,
      ).toBe(401);
    }
    const locked = await lapi.post('/api/auth/login', { username: a.username, password: a.password });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Another account from the same IP is not locked.
    const b = newAccount();
    await lapi.post('/api/auth/register', b);
    expect((await lapi.post('/api/auth/login', { username: b.username, password: b.password })).status).toBe(
      200,
    );
  });

  it('answers 429 after 20 failures from one IP across accounts', async () => {
    const a = newAccount();
    await lapi.post('/api/auth/register', a);
    // The previous test left 5 failures from this IP.
    for (let i = 0; i < 15; i++) {
      await lapi.post('/api/auth/login', { username: `ghost_${i}`, password: 'wrong-password' });
    }
    const res = await lapi.post('/api/auth/login', { username: a.username, password: a.password });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
