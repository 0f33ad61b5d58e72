import { describe, expect, it } from 'vitest';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';
import { MESSAGES } from '../../src/shared/messages.js';

/** GET and PATCH /api/profile/preferences: Generate's "Test and fix", remembered with the account (issue 17). */
const server = useTestServer({ name: 'preferences' });
const api = apiClient(() => server.url);

const patch = (body: unknown, token: string) =>
  api.request('PATCH', '/api/profile/preferences', body, { token });

describe('/api/profile/preferences', () => {
  it('starts with Test and fix off and 2 rounds, and keeps each change for every session of the user', async () => {
    const me = await registerAndLogin(api);
    const first = await api.get('/api/profile/preferences', { token: me.token });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ repair: { enabled: false, rounds: 2 } });

    const on = await patch({ repair: { enabled: true } }, me.token);
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ repair: { enabled: true, rounds: 2 } });
    expect((await patch({ repair: { rounds: 5 } }, me.token)).body).toEqual({
      repair: { enabled: true, rounds: 5 },
    });

    // Another browser: a new session of the same account.
    const again = await api.post('/api/auth/login', {
      username: me.account.username,
      password: me.account.password,
    });
    const other = String(again.body.accessToken);
    expect((await api.get('/api/profile/preferences', { token: other })).body).toEqual({
      repair: { enabled: true, rounds: 5 },
    });
    // Another user has their own.
    const someone = await registerAndLogin(api);
    expect((await api.get('/api/profile/preferences', { token: someone.token })).body).toEqual({
      repair: { enabled: false, rounds: 2 },
    });
  });

  it('refuses rounds outside 1 to 5, unknown fields, and anyone signed out', async () => {
    const me = await registerAndLogin(api);
    for (const rounds of [0, 6, 2.5, '3']) {
      const res = await patch({ repair: { rounds } }, me.token);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(JSON.stringify(res.body.error.details)).toContain(MESSAGES.repairRounds);
    }
    expect((await patch({ theme: 'dark' }, me.token)).status).toBe(400);
    expect((await api.get('/api/profile/preferences', { token: me.token })).body).toEqual({
      repair: { enabled: false, rounds: 2 },
    });
    expect((await api.get('/api/profile/preferences')).status).toBe(401);
    expect(
      (await api.request('PATCH', '/api/profile/preferences', { repair: { enabled: true } })).status,
    ).toBe(401);
  });
});
