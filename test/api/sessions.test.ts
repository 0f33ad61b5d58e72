import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock.js';
import { TEST_SESSION_SECRET } from '../helpers/app.js';
import { apiClient, newAccount, registerAndLogin } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';

const clock = new ManualClock(Date.now());

const server = useTestServer({
  name: 'sessions',
  clock,
  env: { SESSION_TTL_HOURS: '168', SESSION_IDLE_HOURS: '24', LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' },
});
const api = apiClient(() => server.url);

describe('sessions', () => {
  it('GET /api/auth/me answers the user by bearer token and by cookie, 401 without', async () => {
    const { token, cookie, user } = await registerAndLogin(api);
    for (const auth of [{ token }, { cookie }]) {
      const me = await api.get('/api/auth/me', auth);
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ user });
    }
    const anonymous = await api.get('/api/auth/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');
  });

  it('logout answers 204, expires the cookie, sends Clear-Site-Data, and the session is dead for cookie and token', async () => {
    const { token, cookie } = await registerAndLogin(api);
    const out = await api.post('/api/auth/logout', undefined, { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('clear-site-data')).toContain('"cookies"');
    expect(out.headers.get('cache-control')).toBe('no-store');
    expect(out.cookies[0]).toMatch(/^codegenie_session=;.*Expires=Thu, 01 Jan 1970/);
    // Replaying the same token after logout, either way, is refused.
    expect((await api.get('/api/auth/me', { cookie })).status).toBe(401);
    expect((await api.get('/api/auth/me', { token })).status).toBe(401);
  });

  it('logout by bearer token revokes only that session', async () => {
    const first = await registerAndLogin(api);
    const second = await api.post('/api/auth/login', {
      username: first.account.username,
      password: first.account.password,
    });
    expect((await api.post('/api/auth/logout', undefined, { token: first.token })).status).toBe(204);
    expect((await api.get('/api/auth/me', { token: first.token })).status).toBe(401);
    expect((await api.get('/api/auth/me', { token: second.body.accessToken })).status).toBe(200);
  });

  it('logout without a session still answers 204', async () => {
    expect((await api.post('/api/auth/logout')).status).toBe(204);
  });

  it('refuses forged, tampered, unsigned and expired tokens', async () => {
    const { token, user } = await registerAndLogin(api);
    const session = (await server.store.sessions.listActiveForUser(user.id, clock.now(), 86_400_000))[0];
    const jti = session?.id ?? '';
    const now = Math.floor(clock.now().getTime() / 1000);
    const claims = { iss: 'codegenie', sub: user.id, jti };

    const unsigned = new UnsecuredJWT(claims)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .encode();
    const otherKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    const expired = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 60)
      .sign(new TextEncoder().encode(TEST_SESSION_SECRET));
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString('base64url')}.${s}`;
    // Control: the same construction with the right key and a future expiry works.
    const valid = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(TEST_SESSION_SECRET));
    expect((await api.get('/api/auth/me', { token: valid })).status).toBe(200);

    for (const [label, bad] of [
      ['alg none', unsigned],
      ['another key', otherKey],
      ['past exp', expired],
      ['tampered payload', tampered],
      ['garbage', 'not.a.token'],
    ] as const) {
      const res = await api.get('/api/auth/me', { token: bad });
      expect(res.status, label).toBe(401);
      expect((await api.get('/api/auth/me', { cookie: `codegenie_session=${bad}` })).status, label).toBe(401);
    }
  });

  it('a malformed Authorization header is refused, not ignored in favour of the cookie', async () => {
    const { cookie } = await registerAndLogin(api);
    const res = await api.get('/api/auth/me', { cookie, headers: { authorization: 'Basic abc' } });
    expect(res.status).toBe(401);
  });

  it('expires a session idle for 24 hours, and keeps a used one alive', async () => {
    const idle = await registerAndLogin(api);
    const active = await registerAndLogin(api);
    for (let i = 0; i < 3; i++) {
      clock.advance(10 * 3_600_000);
      expect((await api.get('/api/auth/me', { token: active.token })).status).toBe(200);
    }
    expect((await api.get('/api/auth/me', { token: idle.token })).status).toBe(401);
  });

  it('expires every session 7 days after login, however much it is used', async () => {
    const { token } = await registerAndLogin(api);
    for (let hours = 0; hours < 7 * 24 - 12; hours += 12) {
      clock.advance(12 * 3_600_000);
      expect((await api.get('/api/auth/me', { token })).status).toBe(200);
    }
    clock.advance(13 * 3_600_000);
    expect((await api.get('/api/auth/me', { token })).status).toBe(401);
  });

  it('lifts the account lock-out once the window has passed', async () => {
    const a = newAccount();
    await api.post('/api/auth/register', a);
    for (let i = 0; i < 3; i++) {
      await api.post('/api/auth/login', { username: a.username, password: 'wrong-password' });
    }
    const locked = await api.post('/api/auth/login', { username: a.username, password: a.password });
    expect(locked.status).toBe(429);
    clock.advance(14 * 60_000);
    expect((await api.post('/api/auth/login', { username: a.username, password: a.password })).status).toBe(
      429,
    );
    clock.advance(2 * 60_000);
    expect((await api.post('/api/auth/login', { username: a.username, password: a.password })).status).toBe(
      200,
    );
  });
});
