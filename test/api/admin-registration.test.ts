import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { startTestServer } from '../helpers/app.js';
import { apiClient, newAccount, type Json } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { recentActivity, register, setRegistration, signIn, useAdminSuite } from './support/admin-suite.js';

/** Issue 14 section 1: registration modes, invitations and allowed email domains, changed at run time. */
const DAY = 86_400_000;
const clock = new ManualClock(Date.UTC(2026, 10, 2, 9));
const { server, api, admin } = useAdminSuite({ name: 'admin-registration', clock });

/** POST /api/admin/invitations as the admin; the invitation token of the link. */
async function invite(body?: Json): Promise<{ token: string; url: string; expiresAt: string }> {
  const res = await api.post('/api/admin/invitations', body ?? {}, { token: admin.token });
  expect(res.status).toBe(201);
  const token = secret(new URL(res.body.url).searchParams.get('invitation') ?? '');
  return { token, url: res.body.url, expiresAt: res.body.expiresAt };
}

describe('settings', () => {
  it('starts from REGISTRATION and ALLOWED_EMAIL_DOMAINS (open, any) and keeps what an admin changes', async () => {
    const get = await api.get('/api/admin/settings', { token: admin.token });
    expect(get.body).toEqual({ registration: 'open', allowedEmailDomains: [] });
    expect(
      await setRegistration(api, admin.token, { allowedEmailDomains: ['@Example.COM', 'example.com'] }),
    ).toEqual({
      registration: 'open',
      allowedEmailDomains: ['example.com'],
    });
    expect(await setRegistration(api, admin.token, { allowedEmailDomains: [] })).toEqual({
      registration: 'open',
      allowedEmailDomains: [],
    });
  });

  it('refuses an empty change, an unknown mode and a malformed domain with 400', async () => {
    for (const body of [{}, { registration: 'sometimes' }, { allowedEmailDomains: ['not a domain'] }]) {
      const res = await api.request('PATCH', '/api/admin/settings', body, { token: admin.token });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('tells the Register page the mode in force, without signing in', async () => {
    await setRegistration(api, admin.token, { registration: 'invite' });
    expect((await api.get('/api/auth/registration')).body).toEqual({
      mode: 'invite',
      invitationRequired: true,
      approvalRequired: false,
      allowedEmailDomains: [],
      setup: false,
    });
    await setRegistration(api, admin.token, { registration: 'open' });
  });
});

describe('approval', () => {
  it('creates pending accounts that cannot sign in until an admin approves them', async () => {
    await setRegistration(api, admin.token, { registration: 'approval' });
    expect((await api.get('/api/auth/registration')).body).toMatchObject({ approvalRequired: true });
    const { res, account } = await register(api);
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ status: 'pending', role: 'user' });

    const refused = await signIn(api, account);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 'account_pending',
      message: 'Your account is waiting for approval.',
    });
    expect((await signIn(api, { ...account, password: 'not the password' })).status).toBe(401);

    const pending = await api.get('/api/admin/users?status=pending', { token: admin.token });
    expect(pending.body.items.map((u: Json) => u.id)).toContain(res.body.user.id);
    const approved = await api.post(`/api/admin/users/${res.body.user.id}/approve`, undefined, {
      token: admin.token,
    });
    expect(approved.body.user.status).toBe('active');
    const login = await signIn(api, account);
    expect(login.status).toBe(200);
    expect(await recentActivity(api, secret(String(login.body.accessToken)))).toContainEqual({
      kind: 'account_approved',
      details: { adminId: admin.user.id },
    });
    await setRegistration(api, admin.token, { registration: 'open' });
  });

  it('lets an invited person in without a second approval', async () => {
    await setRegistration(api, admin.token, { registration: 'approval' });
    const { token } = await invite();
    const { res, account } = await register(api, { invitation: token });
    expect(res.body.user.status).toBe('active');
    expect((await signIn(api, account)).status).toBe(200);
    await setRegistration(api, admin.token, { registration: 'open' });
  });
});

describe('invite', () => {
  it('needs an invitation; each link works once', async () => {
    await setRegistration(api, admin.token, { registration: 'invite' });
    const without = await register(api);
    expect(without.res.status).toBe(403);
    expect(without.res.body.error).toEqual({
      code: 'invitation_required',
      message: MESSAGES.invitationRequired,
    });

    const link = await invite();
    expect(link.url).toMatch(/\/register\?invitation=[\w-]{43}$/);
    const first = await register(api, { invitation: link.token });
    expect(first.res.status).toBe(201);
    expect(first.res.body.user.status).toBe('active');
    const again = await register(api, { invitation: link.token });
    expect(again.res.status).toBe(400);
    expect(again.res.body.error).toMatchObject({
      code: 'invalid_invitation',
      message: MESSAGES.invalidInvitation,
    });
    expect((await register(api, { invitation: 'made-up-token' })).res.status).toBe(400);
    await setRegistration(api, admin.token, { registration: 'open' });
  });

  it('gives the invitation back when the account cannot be created (name taken)', async () => {
    await setRegistration(api, admin.token, { registration: 'invite' });
    const { token } = await invite();
    const taken = await register(
      api,
      { invitation: token },
      { ...newAccount(), username: admin.account.username },
    );
    expect(taken.res.status).toBe(409);
    expect((await register(api, { invitation: token })).res.status).toBe(201);
    await setRegistration(api, admin.token, { registration: 'open' });
  });

  it('records the invitation in the admin’s log', async () => {
    // No body at all is the default lifetime; a lifetime outside 1–90 days is refused.
    expect((await api.post('/api/admin/invitations', undefined, { token: admin.token })).status).toBe(201);
    const tooLong = await api.post('/api/admin/invitations', { expiresInDays: 91 }, { token: admin.token });
    expect(tooLong.status).toBe(400);
    const { expiresAt } = await invite({ expiresInDays: 2 });
    expect(expiresAt).toBe(new Date(clock.now().getTime() + 2 * DAY).toISOString());
    // From the store: on this clock every entry has the same time, so Recent activity's 20 are any 20.
    const log = await server.store.activity.listForUser(admin.user.id, 1000);
    expect(log.map(({ kind, details }) => ({ kind, details }))).toContainEqual({
      kind: 'admin_action',
      details: { action: 'invitation_created', targetId: null, invitationId: expect.any(String), expiresAt },
    });
  });
});

describe('closed and email domains', () => {
  it('closed: 403 registration_closed', async () => {
    await setRegistration(api, admin.token, { registration: 'closed' });
    const { res } = await register(api);
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({ code: 'registration_closed', message: MESSAGES.registrationClosed });
    await setRegistration(api, admin.token, { registration: 'open' });
  });

  it('refuses an email outside the allowed domains with 403 email_domain_not_allowed', async () => {
    await setRegistration(api, admin.token, { allowedEmailDomains: ['example.org'] });
    const outside = await register(api);
    expect(outside.res.status).toBe(403);
    expect(outside.res.body.error).toMatchObject({
      code: 'email_domain_not_allowed',
      message: 'Registration is limited to email addresses at example.org.',
    });
    const account = newAccount();
    const inside = await register(
      api,
      {},
      { ...account, email: account.email.replace('example.com', 'EXAMPLE.org') },
    );
    expect(inside.res.status).toBe(201);
    await setRegistration(api, admin.token, { allowedEmailDomains: [] });
  });
});

describe('invitation expiry (on the injected clock)', () => {
  it('an invitation works until INVITATION_TTL_DAYS (7) have passed, then never', async () => {
    await setRegistration(api, admin.token, { registration: 'invite' });
    const early = await invite();
    const late = await invite();
    expect(late.expiresAt).toBe(new Date(clock.now().getTime() + 7 * DAY).toISOString());
    clock.advance(7 * DAY - 1);
    expect((await register(api, { invitation: early.token })).res.status).toBe(201);
    clock.advance(1);
    const expired = await register(api, { invitation: late.token });
    expect(expired.res.status).toBe(400);
    expect(expired.res.body.error.code).toBe('invalid_invitation');
  });
});

describe('a fresh instance', () => {
  it('lets the first account register in any mode (allowed domains still hold) and makes it the admin', async () => {
    const fresh = await startTestServer({
      name: 'admin-registration-fresh',
      env: { REGISTRATION: 'closed', ALLOWED_EMAIL_DOMAINS: 'example.org, example.net' },
    });
    try {
      const freshApi = apiClient(fresh.url);
      expect((await freshApi.get('/api/auth/registration')).body).toEqual({
        mode: 'closed',
        invitationRequired: false,
        approvalRequired: false,
        allowedEmailDomains: ['example.org', 'example.net'],
        setup: true,
      });
      expect((await register(freshApi)).res.body.error.code).toBe('email_domain_not_allowed');
      const inDomain = () => {
        const account = newAccount();
        return { ...account, email: account.email.replace('example.com', 'example.org') };
      };
      // Two at once: exactly one becomes the admin, the other meets the closed mode.
      const [a, b] = await Promise.all([
        register(freshApi, {}, inDomain()),
        register(freshApi, {}, inDomain()),
      ]);
      const statuses = [a.res.status, b.res.status].sort();
      expect(statuses).toEqual([201, 403]);
      const winner = a.res.status === 201 ? a : b;
      expect(winner.res.body.user).toMatchObject({ role: 'admin', status: 'active' });
      expect((await freshApi.get('/api/auth/registration')).body).toMatchObject({
        mode: 'closed',
        setup: false,
      });
      expect((await register(freshApi, {}, inDomain())).res.body.error.code).toBe('registration_closed');
    } finally {
      await fresh.close();
    }
  });
});
