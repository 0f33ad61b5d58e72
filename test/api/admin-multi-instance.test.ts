import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { FOREIGN_CHECK_MS } from '../../src/server/store/sqlite/sqlite-row-cache.js';
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

/**
 * Resolves once FOREIGN_CHECK_MS have passed since `since` (performance.now()):
 * an instance may answer from rows it keeps for that long after its last check
 * for other processes' commits, which came before the answer read at `since`.
 */
async function pastTheCheckWindow(since: number): Promise<void> {
  while (performance.now() - since <= FOREIGN_CHECK_MS) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('a session ended by another instance or another program', () => {
  it('stops working at once on the instance that had it in memory (issue 13: sessions kept in memory)', async () => {
    const { servers: started, file } = await servers.startOnOneStore(dir.path, ['ended-a', 'ended-b']);
    const [a, b] = started.map((server) => apiClient(server.url)) as [ApiClient, ApiClient];
    const { account } = await register(a);
    /** Signs in on A and uses the session there twice, so A keeps it; the time A's last answer came. */
    const keptOnA = async () => {
      const token = secret(String((await signIn(a, account)).body.accessToken));
      expect((await a.get('/api/auth/me', { token })).status).toBe(200);
      expect((await a.get('/api/auth/me', { token })).status).toBe(200);
      return { token, since: performance.now() };
    };

    // Signed out on B.
    const out = await keptOnA();
    expect((await b.post('/api/auth/logout', undefined, { token: out.token })).status).toBe(204);
    await pastTheCheckWindow(out.since);
    expect((await a.get('/api/auth/me', { token: out.token })).status).toBe(401);

    // Every other session ended by a password change on B.
    const other = await keptOnA();
    const changer = secret(String((await signIn(b, account)).body.accessToken));
    const newPassword = 'a brand new passphrase 77';
    const changed = await b.post(
      '/api/profile/password',
      { currentPassword: account.password, newPassword },
      { token: changer },
    );
    expect(changed.status).toBe(200);
    account.password = newPassword;
    await pastTheCheckWindow(other.since);
    expect((await a.get('/api/auth/me', { token: other.token })).status).toBe(401);
    expect((await a.get('/api/auth/me', { token: changer })).status).toBe(200);

    // Removed by another program writing the file (sqlite3, a script).
    const removed = await keptOnA();
    execSqlite(file, 'DELETE FROM sessions');
    await pastTheCheckWindow(removed.since);
    expect((await a.get('/api/auth/me', { token: removed.token })).status).toBe(401);
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
