import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';
import { startTestServer, TEST_SESSION_SECRET } from '../helpers/app.js';
import { apiClient, newAccount, registerAndLogin } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';
import { logSink, secret } from '../helpers/secrets.js';

const server = useTestServer({ name: 'security' });
const api = apiClient(() => server.url);

describe('security headers', () => {
  it('sends the API answer set (OWASP REST): a CSP that allows nothing, nosniff, no framing, no X-Powered-By and no HSTS over http', async () => {
    for (const p of ['/api/health', '/api/auth/me', '/api/nowhere']) {
      const res = await api.get(p);
      const csp = (res.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim());
      expect(csp, p).toEqual(["default-src 'none'", "frame-ancestors 'none'"]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      // Document-only headers stay off JSON answers: they cost bytes on every request and protect nothing there.
      expect(res.headers.get('referrer-policy')).toBeNull();
      expect(res.headers.get('x-dns-prefetch-control')).toBeNull();
    }
  });

  it('keeps the full page set on everything that is not an API answer', async () => {
    const res = await api.get('/not-an-api-path');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  it('sends no CORS headers to another origin by default', async () => {
    const preflight = await api.request('OPTIONS', '/api/auth/login', undefined, {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('cross-origin requests with the session cookie', () => {
  it('refuses a cookie-authenticated logout from another origin with 403, and the session survives', async () => {
    const { cookie } = await registerAndLogin(api);
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ] as Record<string, string>[]) {
      const res = await api.post('/api/auth/logout', undefined, { cookie, headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await api.get('/api/auth/me', { cookie })).status).toBe(200);
  });

  it('refuses a cross-origin login and registration too', async () => {
    const a = newAccount();
    const reg = await api.post('/api/auth/register', a, { headers: { origin: 'https://evil.example' } });
    expect(reg.status).toBe(403);
    expect(await server.store.users.findByUsername(a.username)).toBeNull();
  });

  it('accepts same-origin requests (Origin = APP_URL, or Sec-Fetch-Site same-origin)', async () => {
    const { cookie } = await registerAndLogin(api);
    const res = await api.post('/api/auth/logout', undefined, { cookie, headers: { origin: server.url } });
    expect(res.status).toBe(204);
    const b = await registerAndLogin(api);
    const viaFetchMetadata = await api.post('/api/auth/logout', undefined, {
      cookie: b.cookie,
      headers: { origin: 'http://another-name-for-this-host:1', 'sec-fetch-site': 'same-origin' },
    });
    expect(viaFetchMetadata.status).toBe(204);
  });

  it('does not affect bearer-token requests', async () => {
    const { token } = await registerAndLogin(api);
    const res = await api.post('/api/auth/logout', undefined, {
      token,
      headers: { origin: 'https://tool.example' },
    });
    expect(res.status).toBe(204);
  });

  it('allows reads from anywhere (GET is not state-changing)', async () => {
    const { cookie } = await registerAndLogin(api);
    const res = await api.get('/api/auth/me', { cookie, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(200);
  });
});

describe('configured CORS', () => {
  it('allows only the listed origins', async () => {
    const cors = await startTestServer({ name: 'cors', env: { CORS_ORIGINS: 'https://ide.example' } });
    try {
      const capi = apiClient(cors.url);
      const ok = await capi.request('OPTIONS', '/api/auth/login', undefined, {
        headers: { origin: 'https://ide.example', 'access-control-request-method': 'POST' },
      });
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://ide.example');
      const bad = await capi.request('OPTIONS', '/api/auth/login', undefined, {
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(bad.headers.get('access-control-allow-origin')).toBeNull();
      const a = newAccount();
      expect(
        (await capi.post('/api/auth/register', a, { headers: { origin: 'https://ide.example' } })).status,
      ).toBe(201);
    } finally {
      await cors.close();
    }
  });
});

describe('when APP_URL is https', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-https-'));
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses a Secure __Host- cookie and sends HSTS for a year with subdomains', async () => {
    const store = SqliteStore.open(path.join(dir, 'db.sqlite'));
    const app = await buildApp({
      config: loadConfig({ DATA_DIR: dir, APP_URL: 'https://codegenie.example', LOG_LEVEL: 'debug' }),
      store,
      sessionSecret: TEST_SESSION_SECRET,
      logStream: logSink('https'),
    });
    try {
      const a = newAccount();
      const headers = { 'content-type': 'application/json' };
      await app.inject({ method: 'POST', url: '/api/auth/register', headers, payload: a });
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers,
        payload: { username: a.username, password: a.password },
      });
      expect(login.statusCode).toBe(200);
      const cookie = String(login.headers['set-cookie']);
      secret(cookie.split(';')[0] ?? '');
      expect(cookie).toMatch(/^__Host-codegenie_session=/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/; Domain=/);
      expect(login.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await app.close();
      await store.close();
    }
  });
});
