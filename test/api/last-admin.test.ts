import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/shared/messages.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';

/**
 * An installation with users is never left without an admin (issue 14's
 * "409 last_admin"), by the admin API or by the last admin deleting their own
 * account on the Profile page; an admin alone may delete their account, and
 * the installation starts again with the next registration as its admin.
 */
const server = useTestServer({ name: 'last-admin' });
const api = apiClient(() => server.url);

const LAST_ADMIN = { code: 'last_admin', message: MESSAGES.lastAdmin };

describe('the last active admin deleting their own account', () => {
  it('is refused while other accounts remain, and allowed alone', async () => {
    const first = await registerAndLogin(api);
    expect(first.user).toMatchObject({ role: 'admin' });
    const other = await registerAndLogin(api);

    const refused = await api.delete(
      '/api/profile',
      { password: first.account.password },
      { token: first.token },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual(LAST_ADMIN);
    expect((await api.get('/api/auth/me', { token: first.token })).body.user).toMatchObject({
      role: 'admin',
    });

    // With another admin, the first may go; the other is then the last admin, and alone.
    await server.store.users.updateAccess(other.user.id, { role: 'admin' }, new Date());
    const gone = await api.delete(
      '/api/profile',
      { password: first.account.password },
      { token: first.token },
    );
    expect(gone.status).toBe(204);
    // The admin API never deletes the last admin, even alone.
    const viaAdmin = await api.delete(`/api/admin/users/${String(other.user.id)}`, undefined, {
      token: other.token,
    });
    expect(viaAdmin.status).toBe(409);
    expect(viaAdmin.body.error).toEqual(LAST_ADMIN);
    expect(
      (await api.delete('/api/profile', { password: other.account.password }, { token: other.token })).status,
    ).toBe(204);

    // An empty installation again: the next account registered is its admin.
    expect((await registerAndLogin(api)).user).toMatchObject({ role: 'admin' });
  });
});
