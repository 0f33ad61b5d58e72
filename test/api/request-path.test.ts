import { describe, expect, it } from 'vitest';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';

/**
 * Issue 13, round 4 (a lean request path): the Cookie header is read only
 * where a session is, and the two lightest answers skip the compression
 * hooks. What a client sees must not change.
 */
const server = useTestServer({ name: 'request-path' });
const api = apiClient(() => server.url);

describe('request path', () => {
  it('finds the session cookie among other cookies, and a malformed Cookie header only fails where a session is needed', async () => {
    const { cookie, user } = await registerAndLogin(api);
    const crowded = `theme=dark; ${cookie}; _ga=GA1.2.3; empty=`;
    const me = await api.get('/api/auth/me', { cookie: crowded });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user });

    const garbage = '=; ;;codegenie_session; %zz=%; a="unterminated';
    expect((await api.get('/api/health', { cookie: garbage })).status).toBe(200);
    const refused = await api.get('/api/auth/me', { cookie: garbage });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthenticated');
    // A bearer token is read before any cookie, as before.
    const other = await registerAndLogin(api);
    const byToken = await api.get('/api/auth/me', { token: other.token, cookie });
    expect(byToken.body).toEqual({ user: other.user });
  });

  it('sends health and the signed-in user uncompressed with the API headers, and still compresses a large answer', async () => {
    const { cookie } = await registerAndLogin(api);
    const accept = { 'accept-encoding': 'br, gzip' };
    for (const [path, auth] of [
      ['/api/health', {}],
      ['/api/auth/me', { cookie }],
    ] as const) {
      const res = await api.get(path, { ...auth, headers: accept });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // The OpenAPI document is tens of kilobytes: compressed for a client that accepts it.
    const big = await fetch(`${server.url}/api/openapi.json`, { headers: accept });
    expect(big.headers.get('content-encoding')).toMatch(/^(br|gzip)$/);
  });
});
