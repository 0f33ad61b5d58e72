import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient, type Json } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { useServerProcesses } from '../helpers/server-process.js';
import { execSqlite } from '../helpers/sqlite-exec.js';
import { readSqliteRow } from '../helpers/sqlite-read.js';
import { useTempDir } from '../helpers/suite.js';
import { register, signIn } from './support/admin-suite.js';

/**
 * Roles and registration with two real app processes on one SQLite file
 * (issue 14 sections 1 and 2): the first admin is decided by the store, and
 * settings, approvals and disabling made on one instance hold on the other;
 * two admins deleting each other from two instances leave one admin.
 */
const servers = useServerProcesses();
const dir = useTempDir('codegenie-admin-multi-');

describe('two instances on one store', () => {
  let a: ApiClient;
  let b: ApiClient;
  beforeAll(async () => {
    const { servers: started } = await servers.startOnOneStore(dir.path, ['admin-a', 'admin-b'], {
      env: { REGISTRATION: 'approval' },
    });
    [a, b] = started.map((server) => apiClient(server.url)) as [ApiClient, ApiClient];
  });

  it('make exactly one of two simultaneous first registrations the admin; settings, approval and disabling hold on both', async () => {
    const [onA, onB] = await Promise.all([register(a), register(b)]);
    expect([onA.res.status, onB.res.status]).toEqual([201, 201]);
    const users: Json[] = [onA.res.body.user, onB.res.body.user];
    expect(users.map((u) => `${u.role}/${u.status}`).sort()).toEqual(['admin/active', 'user/pending']);
    const [adminSide, userSide] = onA.res.body.user.role === 'admin' ? [onA, onB] : [onB, onA];

    // The admin signs in on one instance and acts there; the other instance sees the result.
    const adminToken = secret(String((await signIn(a, adminSide.account)).body.accessToken));
    const pendingId = String(userSide.res.body.user.id);
    expect((await signIn(b, userSide.account)).body.error.code).toBe('account_pending');
    expect(
      (await a.post(`/api/admin/users/${pendingId}/approve`, undefined, { token: adminToken })).status,
    ).toBe(200);
    const userToken = secret(String((await signIn(b, userSide.account)).body.accessToken));
    expect((await b.get('/api/auth/me', { token: userToken })).status).toBe(200);

    const patched = await a.request(
      'PATCH',
      '/api/admin/settings',
      { registration: 'closed' },
      { token: adminToken },
    );
    expect(patched.status).toBe(200);
    expect((await b.get('/api/auth/registration')).body).toMatchObject({ mode: 'closed', setup: false });
    expect((await register(b)).res.body.error.code).toBe('registration_closed');

    expect(
      (await a.post(`/api/admin/users/${pendingId}/disable`, undefined, { token: adminToken })).status,
    ).toBe(200);
    expect((await b.get('/api/auth/me', { token: userToken })).status).toBe(401);
    expect((await signIn(b, userSide.account)).body.error.code).toBe('account_disabled');
  });
});

describe('two admins on two instances removing each other at the same instant', () => {
  it('leave exactly one active admin: one deletion succeeds, the other is refused', async () => {
    const { servers: started, file } = await servers.startOnOneStore(dir.path, ['last-a', 'last-b']);
    const [a, b] = started.map((server) => apiClient(server.url)) as [ApiClient, ApiClient];
    const first = await register(a);
    const second = await register(b);
    expect([first.res.body.user.role, second.res.body.user.role]).toEqual(['admin', 'user']);
    const secondId = String(second.res.body.user.id);
    execSqlite(file, `UPDATE users SET role = 'admin' WHERE id = '${secondId}'`);
    // A third account: the installation has users, so it must keep an admin.
    expect((await register(a)).res.status).toBe(201);
    const tokenA = secret(String((await signIn(a, first.account)).body.accessToken));
    const tokenB = secret(String((await signIn(b, second.account)).body.accessToken));

    // Sent together; whatever the timing, the store decides: never both.
    const deletions = await Promise.all([
      a.delete(`/api/admin/users/${secondId}`, undefined, { token: tokenA }),
      b.delete(`/api/admin/users/${String(first.res.body.user.id)}`, undefined, { token: tokenB }),
    ]);
    const statuses = deletions.map((res) => res.status).sort();
    // The refused one answers 409 last_admin (401 if its admin was deleted before its request was heard).
    expect(statuses[0]).toBe(204);
    expect([401, 409]).toContain(statuses[1]);
    const admins = `SELECT count(*) AS n FROM users WHERE role = 'admin' AND status = 'active'`;
    expect(readSqliteRow(file, admins)).toEqual({ n: 1 });
  });
});
