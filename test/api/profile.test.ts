import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient, newAccount, registerAndLogin, type Json } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { execSqlite } from '../helpers/sqlite-exec.js';
import { useOpenAiServer, useSmtpServer, useTestServer } from '../helpers/suite.js';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

const upstream = useOpenAiServer();
const smtp = useSmtpServer();
const server = useTestServer(() => ({
  name: 'profile',
  env: { SMTP_URL: smtp.url },
  catalogue: {
    defaultModel: 'remote-chat',
    models: [
      remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat', { model: 'm' }),
      remoteModel(upstream.baseUrl, 'remote-two', 'Remote Two', { model: 'm2' }),
    ],
  },
}));
const api = apiClient(() => server.url);

async function secondSession(account: { username: string; password: string }) {
  const res = await api.post(
    '/api/auth/login',
    { username: account.username, password: account.password },
    { headers: { 'user-agent': FIREFOX } },
  );
  return secret(String(res.body.accessToken));
}

describe('GET /api/profile', () => {
  it('shows the user, usage stats with 30 days and per model, and recent activity with the browser', async () => {
    const me = await registerAndLogin(api);
    await secondSession(me.account);
    await api.post('/api/generate', { prompt: 'one' }, { token: me.token });
    await api.post('/api/generate', { prompt: 'two', modelId: 'remote-two' }, { token: me.token });
    await api.post('/api/explain', { code: 'x = 1' }, { token: me.token });
    const res = await api.get('/api/profile', { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual(me.user);
    expect(res.body.stats.generations).toBe(2);
    expect(res.body.stats.explanations).toBe(1);
    expect(res.body.stats.byModel).toEqual([
      { modelId: 'remote-chat', count: 2, completionTokens: expect.any(Number) },
      { modelId: 'remote-two', count: 1, completionTokens: expect.any(Number) },
    ]);
    expect(res.body.stats.last30Days).toHaveLength(30);
    expect(res.body.stats.last30Days.at(-1)).toEqual({
      date: new Date().toISOString().slice(0, 10),
      count: 3,
    });
    const signIns = res.body.recentActivity.filter((a: Json) => a.kind === 'sign_in');
    expect(signIns).toHaveLength(2);
    expect(signIns[0].browser).toBe('Firefox 128 on Windows');
    expect(res.body.recentActivity.some((a: Json) => a.kind === 'generation')).toBe(false);
  });
});

describe('PATCH /api/profile', () => {
  it('changes the display name', async () => {
    const me = await registerAndLogin(api);
    const res = await api.request(
      'PATCH',
      '/api/profile',
      { displayName: '  Grace Hopper ' },
      { token: me.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.user.displayName).toBe('Grace Hopper');
    expect((await api.get('/api/auth/me', { token: me.token })).body.user.displayName).toBe('Grace Hopper');
  });

  it('changes the email only with the current password, tells the old address, and records it', async () => {
    const me = await registerAndLogin(api);
    const newEmail = `new.${me.account.email}`;
    const noPassword = await api.request('PATCH', '/api/profile', { email: newEmail }, { token: me.token });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.details.fields).toHaveProperty('currentPassword');
    const wrong = await api.request(
      'PATCH',
      '/api/profile',
      { email: newEmail, currentPassword: 'wrong password' },
      { token: me.token },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.fields.currentPassword).toBe('Your current password is not correct.');
    const ok = await api.request(
      'PATCH',
      '/api/profile',
      { email: newEmail.toUpperCase(), currentPassword: me.account.password },
      { token: me.token },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe(newEmail);
    const notice = await smtp.waitFor(
      (m) =>
        m.envelopeTo.includes(me.account.email) && /email address was changed/.test(m.parsed.subject ?? ''),
    );
    expect(notice.parsed.text).toContain(newEmail);
    expect(
      (await api.post('/api/auth/login', { username: newEmail, password: me.account.password })).status,
    ).toBe(200);
    const activity = (await api.get('/api/profile', { token: me.token })).body.recentActivity;
    expect(activity.some((a: Json) => a.kind === 'email_changed')).toBe(true);
  });

  it('refuses an email taken by another account with 409, and bad input with 400', async () => {
    const me = await registerAndLogin(api);
    const other = await registerAndLogin(api);
    const taken = await api.request(
      'PATCH',
      '/api/profile',
      { email: other.account.email, currentPassword: me.account.password },
      { token: me.token },
    );
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toBe('Email already exists. Please choose a different one.');
    for (const body of [
      { email: 'nope' },
      { displayName: '' },
      { username: 'renamed' },
      { displayName: { $ne: 1 } },
    ]) {
      expect((await api.request('PATCH', '/api/profile', body, { token: me.token })).status).toBe(400);
    }
  });
});

describe('POST /api/profile/password', () => {
  it('changes the password, signs every other session out, keeps this one, and mails a notice', async () => {
    const me = await registerAndLogin(api);
    const other = await secondSession(me.account);
    const newPassword = secret('a different passphrase 31');
    const wrong = await api.post(
      '/api/profile/password',
      { currentPassword: 'nope nope', newPassword },
      { token: me.token },
    );
    expect(wrong.status).toBe(400);
    const common = await api.post(
      '/api/profile/password',
      { currentPassword: me.account.password, newPassword: 'password123' },
      { token: me.token },
    );
    expect(common.status).toBe(400);
    expect(common.body.error.details.fields.newPassword).toMatch(/too common/);

    const res = await api.post(
      '/api/profile/password',
      { currentPassword: me.account.password, newPassword },
      { token: me.token },
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sessionsRevoked: 1 });
    expect((await api.get('/api/auth/me', { token: other })).status).toBe(401);
    expect((await api.get('/api/auth/me', { token: me.token })).status).toBe(200);
    expect(
      (await api.post('/api/auth/login', { username: me.account.username, password: me.account.password }))
        .status,
    ).toBe(401);
    expect(
      (await api.post('/api/auth/login', { username: me.account.username, password: newPassword })).status,
    ).toBe(200);
    await smtp.waitFor(
      (m) => m.envelopeTo.includes(me.account.email) && /password was changed/.test(m.parsed.subject ?? ''),
    );
  });

  it('keeps the old password and the other sessions when the change fails half-way; again, it completes', async () => {
    const me = await registerAndLogin(api);
    const other = await secondSession(me.account);
    const newPassword = secret('changed after a fault 42');
    const body = { currentPassword: me.account.password, newPassword };
    const file = path.join(server.dataDir, 'codegenie.db');
    // A real fault at the last step (ending the other sessions), after the new password.
    execSqlite(file, "CREATE TRIGGER refuse BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'no'); END");
    try {
      expect((await api.post('/api/profile/password', body, { token: me.token })).status).toBe(500);
      expect((await api.get('/api/auth/me', { token: other })).status).toBe(200);
    } finally {
      execSqlite(file, 'DROP TRIGGER refuse');
    }
    const login = await api.post('/api/auth/login', {
      username: me.account.username,
      password: me.account.password,
    });
    expect(login.status).toBe(200);
    const res = await api.post('/api/profile/password', body, { token: me.token });
    expect(res.body).toEqual({ sessionsRevoked: 2 });
    expect((await api.get('/api/auth/me', { token: other })).status).toBe(401);
  });
});

describe('sessions', () => {
  it('lists my sessions with this one marked, and signs one out; another user’s is 404', async () => {
    const me = await registerAndLogin(api);
    const other = await secondSession(me.account);
    const stranger = await registerAndLogin(api);
    const list = await api.get('/api/profile/sessions', { token: me.token });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    const current = list.body.find((s: Json) => s.current);
    const firefox = list.body.find((s: Json) => !s.current);
    expect(current).toMatchObject({ ip: '127.0.0.1', browser: expect.any(String) });
    expect(firefox.browser).toBe('Firefox 128 on Windows');

    expect(
      (await api.delete(`/api/profile/sessions/${firefox.id}`, undefined, { token: stranger.token })).status,
    ).toBe(404);
    expect((await api.get('/api/auth/me', { token: other })).status).toBe(200);
    expect(
      (await api.delete(`/api/profile/sessions/${firefox.id}`, undefined, { token: me.token })).status,
    ).toBe(204);
    expect((await api.get('/api/auth/me', { token: other })).status).toBe(401);
    expect((await api.get('/api/profile/sessions', { token: me.token })).body).toHaveLength(1);
  });
});

describe('DELETE /api/profile', () => {
  it('needs the password, then deletes the account and leaves nothing of the user in the database file', async () => {
    const a = newAccount('doomed');
    const marker = `unique-marker-${Date.now()}`;
    const account = { ...a, displayName: `Name ${marker}` };
    expect((await api.post('/api/auth/register', account)).status).toBe(201);
    const login = await api.post('/api/auth/login', {
      username: account.username,
      password: account.password,
    });
    const token = secret(String(login.body.accessToken));
    upstream.script([{ type: 'answer', text: `answer ${marker}` }]);
    await api.post('/api/generate', { prompt: `prompt ${marker}` }, { token });
    await api.post('/api/auth/forgot-password', { email: account.email });
    await server.app.services.passwordReset.idle();
    const survivor = await registerAndLogin(api);
    await api.post('/api/generate', { prompt: 'survivor prompt' }, { token: survivor.token });

    expect((await api.delete('/api/profile', { password: 'not it at all' }, { token })).status).toBe(400);
    expect((await api.delete('/api/profile', {}, { token })).status).toBe(400);
    const res = await api.delete('/api/profile', { password: account.password }, { token });
    expect(res.status).toBe(204);
    expect(res.cookies[0]).toMatch(/codegenie_session=;/);
    expect((await api.get('/api/auth/me', { token })).status).toBe(401);
    expect(
      (await api.post('/api/auth/login', { username: account.username, password: account.password })).status,
    ).toBe(401);

    // Read the raw database (and its write-ahead log) as bytes.
    const files = fs.readdirSync(server.dataDir).filter((f) => f.startsWith('codegenie.db'));
    const raw = Buffer.concat(files.map((f) => fs.readFileSync(path.join(server.dataDir, f))));
    for (const needle of [account.username, account.email, marker, login.body.user.id as string]) {
      expect(raw.includes(Buffer.from(needle)), needle).toBe(false);
    }
    expect(raw.includes(Buffer.from(survivor.account.username))).toBe(true);
    expect((await api.get('/api/history', { token: survivor.token })).body.items).toHaveLength(1);
  });
});
