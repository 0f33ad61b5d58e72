import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';
import { secret } from '../helpers/secrets.js';

const server = useTestServer({ name: 'admin-cli' });
const api = apiClient(() => server.url);

/** Runs `npm run admin -- ...args` the way an operator would, against the test server's data. */
function admin(...args: string[]): Promise<CliRun> {
  return runCli('src/server/cli/admin.ts', args, {
    env: { DATA_DIR: server.dataDir, APP_URL: server.url, LOG_LEVEL: 'silent' },
  });
}

describe('npm run admin -- reset-link', () => {
  it('prints a one-time link on APP_URL that resets the password, and records it in the activity log', async () => {
    const { account, user, token: sessionToken } = await registerAndLogin(api);
    const out = await admin('reset-link', account.username.toUpperCase());
    expect(out.code).toBe(0);
    const link = out.stdout.trim();
    expect(link).toMatch(new RegExp(`^${server.url}/reset-password\\?token=[\\w-]{43}$`));
    const token = secret(new URL(link).searchParams.get('token') ?? '');
    expect(out.stderr).toContain('valid for 60 minutes');

    const activity = await server.store.activity.listForUser(user.id, 5);
    expect(activity[0]).toMatchObject({ kind: 'password_reset_link_issued', details: { via: 'admin-cli' } });

    const newPassword = secret('operator issued pass 5');
    expect((await api.post('/api/auth/reset-password', { token, newPassword })).status).toBe(200);
    expect((await api.get('/api/auth/me', { token: sessionToken })).status).toBe(401);
    expect(
      (await api.post('/api/auth/login', { username: account.email, password: newPassword })).status,
    ).toBe(200);
    expect((await api.post('/api/auth/reset-password', { token, newPassword })).status).toBe(400);
  });

  it('replaces an older link, by email too', async () => {
    const { account } = await registerAndLogin(api);
    const first = secret(
      new URL((await admin('reset-link', account.email)).stdout.trim()).searchParams.get('token') ?? '',
    );
    const second = await admin('reset-link', account.email);
    expect(second.code).toBe(0);
    expect((await api.get(`/api/auth/reset-password/verify?token=${first}`)).status).toBe(400);
  });

  it('fails clearly for an unknown account and for bad usage', async () => {
    const unknown = await admin('reset-link', 'nobody_here');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No account with the username or email "nobody_here"');
    expect(unknown.stdout).toBe('');
    const usage = await admin('frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run admin');
  });
});

describe('npm run admin -- grant-admin / revoke-admin', () => {
  it('grant-admin makes an account an administrator at once; revoke-admin takes it back', async () => {
    const { account, user, token } = await registerAndLogin(api);
    expect((await api.get('/api/admin/users', { token })).status).toBe(403);
    const granted = await admin('grant-admin', account.email.toUpperCase());
    expect(granted.code).toBe(0);
    expect(granted.stderr).toContain(`${account.username} <${account.email}> is now an administrator.`);
    expect((await api.get('/api/auth/me', { token })).body.user.role).toBe('admin');
    expect((await api.get('/api/admin/users', { token })).status).toBe(200);
    expect((await server.store.activity.listForUser(user.id, 5))[0]).toMatchObject({
      kind: 'role_changed',
      details: { via: 'admin-cli', role: 'admin' },
    });

    const revoked = await admin('revoke-admin', account.username);
    expect(revoked.code).toBe(0);
    expect((await api.get('/api/admin/users', { token })).status).toBe(403);
  });

  it('refuses to remove the last administrator, with a clear message and exit code 1', async () => {
    await registerAndLogin(api);
    const admins = (await server.store.users.search({ status: 'active' }, 100)).items.filter(
      (u) => u.role === 'admin',
    );
    expect(admins).toHaveLength(1);
    const last = admins[0];
    if (!last) {
      throw new Error('no administrator');
    }
    const out = await admin('revoke-admin', last.username);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`${last.username} is the last active administrator and cannot be removed`);
    expect((await server.store.users.findById(last.id))?.role).toBe('admin');
    expect((await admin('grant-admin', 'nobody_here')).code).toBe(1);
  });
});
