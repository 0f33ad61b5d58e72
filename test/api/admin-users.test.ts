import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/shared/messages.js';
import { newAccount, registerAndLogin, type Json } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { recentActivity, signIn, useAdminSuite } from './support/admin-suite.js';

/** Issue 14 section 1: roles and the admin users API. */
const { server, api, admin } = useAdminSuite({ name: 'admin-users' });

/** Every admin endpoint of this part, with a body where it takes one. */
const ADMIN_ENDPOINTS: [method: string, path: string, body?: Json][] = [
  ['GET', '/api/admin/users'],
  ['POST', `/api/admin/users/${randomUUID()}/approve`],
  ['POST', `/api/admin/users/${randomUUID()}/disable`],
  ['POST', `/api/admin/users/${randomUUID()}/enable`],
  ['POST', `/api/admin/users/${randomUUID()}/sign-out`],
  ['POST', `/api/admin/users/${randomUUID()}/reset-link`],
  ['DELETE', `/api/admin/users/${randomUUID()}`],
  ['POST', '/api/admin/invitations', {}],
  ['GET', '/api/admin/settings'],
  ['PATCH', '/api/admin/settings', { registration: 'open' }],
];

describe('roles', () => {
  it('makes the first account an admin and later ones users; /api/auth/me says which', async () => {
    const me = await api.get('/api/auth/me', { token: admin.token });
    expect(me.body.user).toMatchObject({ id: admin.user.id, role: 'admin', status: 'active' });
    const other = await registerAndLogin(api);
    expect((await api.get('/api/auth/me', { token: other.token })).body.user).toMatchObject({ role: 'user' });
  });

  it('answers 401 signed out and 403 for a signed-in user on every admin endpoint', async () => {
    const user = await registerAndLogin(api);
    for (const [method, path, body] of ADMIN_ENDPOINTS) {
      expect((await api.request(method, path, body)).status, `${method} ${path}`).toBe(401);
      const forbidden = await api.request(method, path, body, { token: user.token });
      expect(forbidden.status, `${method} ${path}`).toBe(403);
      expect(forbidden.body.error).toMatchObject({ code: 'forbidden', message: MESSAGES.adminOnly });
    }
  });
});

describe('GET /api/admin/users', () => {
  it('lists accounts newest first with role, status, last sign-in and generations in 30 days', async () => {
    const { user } = await registerAndLogin(api);
    const res = await api.get('/api/admin/users', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toEqual({
      id: user.id,
      username: user.username,
      email: user.email,
      displayName: null,
      role: 'user',
      status: 'active',
      createdAt: user.createdAt,
      lastSignInAt: expect.any(String),
      generations30d: 0,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|passwordHash/);
  });

  it('searches username, email and display name, filters by status and pages with a cursor', async () => {
    const tag = `zq${Date.now().toString(36)}`;
    const named = await api.post('/api/auth/register', { ...newAccount(), displayName: `Ada ${tag}` });
    const byName = await api.post('/api/auth/register', newAccount(`${tag}n`));
    expect([named.status, byName.status]).toEqual([201, 201]);
    const search = await api.get(`/api/admin/users?q=${tag.toUpperCase()}&limit=1`, { token: admin.token });
    expect(search.body.items.map((u: Json) => u.id)).toEqual([byName.body.user.id]);
    const next = await api.get(`/api/admin/users?q=${tag}&limit=1&cursor=${search.body.nextCursor}`, {
      token: admin.token,
    });
    expect(next.body).toEqual({
      items: [expect.objectContaining({ id: named.body.user.id })],
      nextCursor: null,
    });
    const active = await api.get(`/api/admin/users?status=active&q=${tag}`, { token: admin.token });
    expect(active.body.items).toHaveLength(2);
    expect(
      (await api.get(`/api/admin/users?status=pending&q=${tag}`, { token: admin.token })).body.items,
    ).toEqual([]);
    expect((await api.get('/api/admin/users?status=gone', { token: admin.token })).status).toBe(400);
    expect((await api.get('/api/admin/users?cursor=nonsense', { token: admin.token })).status).toBe(400);
  });
});

describe('account actions', () => {
  it('disable ends every session at once and refuses sign-in; enable lets the user back', async () => {
    const target = await registerAndLogin(api);
    const second = await signIn(api, target.account);
    const res = await api.post(`/api/admin/users/${target.user.id}/disable`, undefined, {
      token: admin.token,
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: target.user.id, status: 'disabled' });
    expect((await api.get('/api/auth/me', { token: target.token })).status).toBe(401);
    expect((await api.get('/api/auth/me', { token: String(second.body.accessToken) })).status).toBe(401);
    const refused = await signIn(api, target.account);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({ code: 'account_disabled', message: MESSAGES.accountDisabled });
    // A wrong password still says only that the credentials are wrong.
    expect((await signIn(api, { ...target.account, password: 'wrong password 1' })).status).toBe(401);

    const enabled = await api.post(`/api/admin/users/${target.user.id}/enable`, undefined, {
      token: admin.token,
    });
    expect(enabled.body.user.status).toBe('active');
    const back = await signIn(api, target.account);
    expect(back.status).toBe(200);
    const activity = await recentActivity(api, secret(String(back.body.accessToken)));
    expect(activity).toEqual(
      expect.arrayContaining([
        { kind: 'account_enabled', details: { adminId: admin.user.id } },
        { kind: 'account_disabled', details: { adminId: admin.user.id, sessionsRevoked: 2 } },
      ]),
    );
  });

  it('sign-out ends every session of the user, who sees it in Recent activity', async () => {
    const target = await registerAndLogin(api);
    const res = await api.post(`/api/admin/users/${target.user.id}/sign-out`, undefined, {
      token: admin.token,
    });
    expect(res.body).toEqual({ sessionsRevoked: 1 });
    expect((await api.get('/api/auth/me', { token: target.token })).status).toBe(401);
    const again = secret(String((await signIn(api, target.account)).body.accessToken));
    expect(await recentActivity(api, again)).toContainEqual({
      kind: 'signed_out_by_admin',
      details: { adminId: admin.user.id, sessionsRevoked: 1 },
    });
  });

  it('reset-link answers a one-time link on APP_URL that sets a new password', async () => {
    const target = await registerAndLogin(api);
    const res = await api.post(`/api/admin/users/${target.user.id}/reset-link`, undefined, {
      token: admin.token,
    });
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(new RegExp(`^${server.url}/reset-password\\?token=[\\w-]{43}$`));
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    const token = secret(new URL(res.body.url).searchParams.get('token') ?? '');
    const newPassword = secret('admin issued pass 7');
    expect((await api.post('/api/auth/reset-password', { token, newPassword })).status).toBe(200);
    expect((await api.post('/api/auth/reset-password', { token, newPassword })).status).toBe(400);
    const login = await signIn(api, { username: target.account.username, password: newPassword });
    expect(login.status).toBe(200);
    expect(await recentActivity(api, secret(String(login.body.accessToken)))).toContainEqual({
      kind: 'password_reset_link_issued',
      details: { via: 'admin', adminId: admin.user.id },
    });
  });

  it('DELETE removes the account and all its data', async () => {
    const target = await registerAndLogin(api);
    const res = await api.delete(`/api/admin/users/${target.user.id}`, undefined, { token: admin.token });
    expect(res.status).toBe(204);
    expect(await server.store.users.findById(target.user.id)).toBeNull();
    expect(await server.store.sessions.listAllForUser(target.user.id)).toEqual([]);
    expect(await server.store.activity.listForUser(target.user.id, 10)).toEqual([]);
    expect((await signIn(api, target.account)).status).toBe(401);
    expect(
      (await api.delete(`/api/admin/users/${target.user.id}`, undefined, { token: admin.token })).status,
    ).toBe(404);
  });

  it('answers 404 for an unknown account', async () => {
    for (const action of ['approve', 'disable', 'enable', 'sign-out', 'reset-link']) {
      const res = await api.post(`/api/admin/users/${randomUUID()}/${action}`, undefined, {
        token: admin.token,
      });
      expect(res.status, action).toBe(404);
    }
  });

  it('records every action in the admin’s activity log with the target’s id', async () => {
    const target = await registerAndLogin(api);
    await api.post(`/api/admin/users/${target.user.id}/sign-out`, undefined, { token: admin.token });
    await api.delete(`/api/admin/users/${target.user.id}`, undefined, { token: admin.token });
    const log = await server.store.activity.listForUser(admin.user.id, 5);
    expect(log.slice(0, 2)).toEqual([
      expect.objectContaining({
        kind: 'admin_action',
        details: { action: 'user_deleted', targetId: target.user.id },
      }),
      expect.objectContaining({
        kind: 'admin_action',
        details: { action: 'signed_out_by_admin', targetId: target.user.id, sessionsRevoked: 1 },
      }),
    ]);
  });
});

describe('the last admin', () => {
  it('cannot disable or delete themselves while no other admin is active', async () => {
    for (const [method, path] of [
      ['POST', `/api/admin/users/${admin.user.id}/disable`],
      ['DELETE', `/api/admin/users/${admin.user.id}`],
    ] as const) {
      const res = await api.request(method, path, undefined, { token: admin.token });
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({ code: 'last_admin', message: MESSAGES.lastAdmin });
    }
    expect((await api.get('/api/auth/me', { token: admin.token })).body.user).toMatchObject({
      role: 'admin',
    });

    // With a second admin, the first may step down; the second then is the last.
    const second = await registerAndLogin(api);
    await server.store.users.updateAccess(second.user.id, { role: 'admin' }, new Date());
    const disabled = await api.post(`/api/admin/users/${admin.user.id}/disable`, undefined, {
      token: second.token,
    });
    expect(disabled.status).toBe(200);
    expect((await api.get('/api/auth/me', { token: admin.token })).status).toBe(401);
    expect(
      (await api.delete(`/api/admin/users/${second.user.id}`, undefined, { token: second.token })).status,
    ).toBe(409);
    const disabledList = await api.get('/api/admin/users?status=disabled', { token: second.token });
    expect(disabledList.body.items.map((u: Json) => u.id)).toContain(admin.user.id);
  });
});
