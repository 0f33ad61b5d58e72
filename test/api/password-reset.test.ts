import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { startTestServer } from '../helpers/app.js';
import { apiClient, newAccount, registerAndLogin } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { execSqlite } from '../helpers/sqlite-exec.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import { useSmtpServer, useTestServer } from '../helpers/suite.js';

const clock = new ManualClock(Date.now());
const smtp = useSmtpServer();
const server = useTestServer(() => ({
  name: 'reset',
  clock,
  env: {
    SMTP_URL: smtp.url,
    MAIL_FROM: 'CodeGenie <no-reply@codegenie.test>',
    RESET_MAX_PER_EMAIL_PER_HOUR: '1000',
  },
}));
const api = apiClient(() => server.url);

const NEUTRAL = { message: 'If an account exists for that email, a reset link has been sent.' };
const INVALID = {
  error: {
    code: 'invalid_token',
    message: 'This reset link is invalid or has expired. Please request a new one.',
  },
};

/** Requests a reset for `email` and returns the reset mail's token. */
async function requestToken(email: string): Promise<{ token: string; mail: ReceivedMail }> {
  const before = smtp.messages.length;
  const res = await api.post('/api/auth/forgot-password', { email });
  expect(res.status).toBe(202);
  const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.envelopeTo.includes(email));
  const token = new URL(mail.resetLink ?? '').searchParams.get('token') ?? '';
  return { token: secret(token), mail };
}

describe('POST /api/auth/forgot-password', () => {
  it('answers the same for known and unknown emails, and mails only the account holder', async () => {
    const { account } = await registerAndLogin(api);
    const known = await api.post('/api/auth/forgot-password', { email: account.email.toUpperCase() });
    const unknown = await api.post('/api/auth/forgot-password', { email: 'nobody.at.all@example.com' });
    for (const res of [known, unknown]) {
      expect(res.status).toBe(202);
      expect(res.body).toEqual(NEUTRAL);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
    await server.app.services.passwordReset.idle();
    expect(smtp.messages.some((m) => m.envelopeTo.includes('nobody.at.all@example.com'))).toBe(false);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(account.email));
    expect(mail.parsed.subject).toBe('Reset your CodeGenie password');
    expect(mail.parsed.from?.address).toBe('no-reply@codegenie.test');
    expect(mail.parsed.text).toContain('expires in 60 minutes');
    expect(mail.parsed.html).toContain('CodeGenie');
    expect(mail.parsed.html).not.toMatch(/<img|<script|https?:\/\/(?!127\.0\.0\.1)/);
  });

  // How long each answer takes is reported by `npm run bench` (bench/login-timing.bench.ts).
  it('answers before any mail is sent: a mail server that never answers does not hold the request', async () => {
    const held = new Set<net.Socket>();
    let stalling = true;
    const stalled = net.createServer((socket) => {
      if (stalling) {
        held.add(socket);
      } else {
        socket.destroy();
      }
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const port = (stalled.address() as net.AddressInfo).port;
    const slow = await startTestServer({
      name: 'reset-stalled-smtp',
      env: { SMTP_URL: `smtp://127.0.0.1:${port}` },
    });
    try {
      const sapi = apiClient(slow.url);
      const a = newAccount('stalled');
      expect((await sapi.post('/api/auth/register', a)).status).toBe(201);
      for (const email of [a.email, 'ghost.stalled@example.com']) {
        const res = await sapi.post('/api/auth/forgot-password', { email });
        expect(res.status).toBe(202);
        expect(res.body).toEqual(NEUTRAL);
      }
      // The answer came while the mail for the known account is still stuck at the mail server.
      await expect.poll(() => held.size).toBe(1);
    } finally {
      stalling = false;
      for (const socket of held) {
        socket.destroy();
      }
      await slow.close();
      await new Promise<void>((resolve) =>
        stalled.close(() => {
          resolve();
        }),
      );
    }
  });

  it('stores only a SHA-256 hash of a 32-byte URL-safe token, valid for 60 minutes', async () => {
    const { account, user } = await registerAndLogin(api);
    const { token } = await requestToken(account.email);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const record = await server.store.passwordResets.findByHash(
      createHash('sha256').update(token).digest('hex'),
    );
    expect(record?.userId).toBe(user.id);
    expect((record?.expiresAt.getTime() ?? 0) - (record?.createdAt.getTime() ?? 0)).toBe(60 * 60_000);
    const dbFiles = fs.readdirSync(server.dataDir).filter((f) => f.startsWith('codegenie.db'));
    for (const f of dbFiles) {
      expect(fs.readFileSync(path.join(server.dataDir, f)).includes(token), f).toBe(false);
    }
  });

  it('builds the link from APP_URL, never from Host or X-Forwarded-Host', async () => {
    const { account } = await registerAndLogin(api);
    // node:http, because fetch does not let a caller set Host.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${server.url}/api/auth/forgot-password`,
        {
          method: 'POST',
          headers: {
            host: 'evil.example',
            'x-forwarded-host': 'evil.example',
            'x-forwarded-proto': 'https',
            'content-type': 'application/json',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ email: account.email }));
    });
    expect(status).toBe(202);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(account.email));
    expect(mail.resetLink?.startsWith(`${server.url}/reset-password?token=`)).toBe(true);
    expect(mail.raw).not.toContain('evil.example');
  });

  it.each([
    ['CR/LF', 'victim@example.com\r\nBcc: attacker@example.com'],
    ['a bare LF', 'victim@example.com\nBcc: attacker@example.com'],
    ['a NUL', 'victim@example.com\u0000'],
    ['a comma list', 'victim@example.com,attacker@example.com'],
    ['angle brackets', 'Victim <victim@example.com>'],
    ['not an email', 'hello'],
  ])('refuses an address with %s with 400', async (_label, email) => {
    const res = await api.post('/api/auth/forgot-password', { email });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toHaveProperty('email');
  });
});

describe('resetting the password', () => {
  it('sets the new password, revokes every session, records it, and mails a notice', async () => {
    const { account, token: sessionToken, cookie, user } = await registerAndLogin(api);
    const { token } = await requestToken(account.email);
    expect((await api.get(`/api/auth/reset-password/verify?token=${token}`)).status).toBe(200);

    const newPassword = secret('a brand new passphrase 77');
    const res = await api.post('/api/auth/reset-password', { token, newPassword });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: MESSAGES.passwordReset });
    expect(res.cookies).toEqual([]); // not signed in automatically

    expect((await api.get('/api/auth/me', { token: sessionToken })).status).toBe(401);
    expect((await api.get('/api/auth/me', { cookie })).status).toBe(401);
    expect(
      (await api.post('/api/auth/login', { username: account.username, password: account.password })).status,
    ).toBe(401);
    expect(
      (await api.post('/api/auth/login', { username: account.username, password: newPassword })).status,
    ).toBe(200);

    const notice = await smtp.waitFor(
      (m) => m.envelopeTo.includes(account.email) && /was changed/.test(m.parsed.subject ?? ''),
    );
    expect(notice.parsed.text).toContain('signed out');
    const activity = await server.store.activity.listForUser(user.id, 10);
    expect(activity.map((a) => a.kind)).toContain('password_reset');

    // The same link again.
    expect(
      (await api.post('/api/auth/reset-password', { token, newPassword: secret('yet another pass 88') }))
        .body,
    ).toEqual(INVALID);
    expect((await api.get(`/api/auth/reset-password/verify?token=${token}`)).body).toEqual(INVALID);
  });

  it('refuses an expired token (after 60 minutes)', async () => {
    const { account } = await registerAndLogin(api);
    const { token } = await requestToken(account.email);
    clock.advance(61 * 60_000);
    const res = await api.post('/api/auth/reset-password', {
      token,
      newPassword: secret('expired token pass 1'),
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(INVALID);
    expect((await api.get(`/api/auth/reset-password/verify?token=${token}`)).status).toBe(400);
  });

  it('refuses an older token once a newer one was issued', async () => {
    const { account } = await registerAndLogin(api);
    const first = await requestToken(account.email);
    const second = await requestToken(account.email);
    expect(
      (
        await api.post('/api/auth/reset-password', {
          token: first.token,
          newPassword: secret('older token pass 1'),
        })
      ).body,
    ).toEqual(INVALID);
    expect(
      (
        await api.post('/api/auth/reset-password', {
          token: second.token,
          newPassword: secret('newer token pass 2'),
        })
      ).status,
    ).toBe(200);
  });

  it('keeps the link usable when the reset fails half-way, and a retry completes it', async () => {
    const { account, token: sessionToken } = await registerAndLogin(api);
    const { token } = await requestToken(account.email);
    const file = path.join(server.dataDir, 'codegenie.db');
    // A real fault at the last step (ending the sessions), after the token and the password.
    execSqlite(file, "CREATE TRIGGER refuse BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'no'); END");
    try {
      const failed = await api.post('/api/auth/reset-password', {
        token,
        newPassword: secret('half way pass 11'),
      });
      expect(failed.status).toBe(500);
      // Nothing of it stayed: the old password, the old session, the link.
      expect((await api.get('/api/auth/me', { token: sessionToken })).status).toBe(200);
      const login = await api.post('/api/auth/login', {
        username: account.username,
        password: account.password,
      });
      expect(login.status).toBe(200);
    } finally {
      execSqlite(file, 'DROP TRIGGER refuse');
    }
    const retried = await api.post('/api/auth/reset-password', {
      token,
      newPassword: secret('second try pass 22'),
    });
    expect(retried.status).toBe(200);
    expect((await api.get('/api/auth/me', { token: sessionToken })).status).toBe(401);
    expect(
      (await api.post('/api/auth/login', { username: account.username, password: 'second try pass 22' }))
        .status,
    ).toBe(200);
  });

  it('lets exactly one of two simultaneous uses of a token succeed', async () => {
    const { account } = await registerAndLogin(api);
    const { token } = await requestToken(account.email);
    const [a, b] = await Promise.all([
      api.post('/api/auth/reset-password', { token, newPassword: secret('simultaneous one 11') }),
      api.post('/api/auth/reset-password', { token, newPassword: secret('simultaneous two 22') }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const winner = a.status === 200 ? 'simultaneous one 11' : 'simultaneous two 22';
    expect((await api.post('/api/auth/login', { username: account.username, password: winner })).status).toBe(
      200,
    );
  });

  it('applies the registration policy to the new password, and the token stays usable', async () => {
    const { account } = await registerAndLogin(api);
    const { token } = await requestToken(account.email);
    for (const [newPassword, pattern] of [
      ['short', /at least 8/],
      ['password1', /too common/],
      [account.username, /username/],
    ] as const) {
      const res = await api.post('/api/auth/reset-password', { token, newPassword });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields.newPassword).toMatch(pattern);
    }
    expect(
      (await api.post('/api/auth/reset-password', { token, newPassword: secret('finally a good one 9') }))
        .status,
    ).toBe(200);
  });

  it('refuses unknown and malformed tokens', async () => {
    for (const token of ['x'.repeat(43), 'not-a-token', '']) {
      const res = await api.post('/api/auth/reset-password', { token, newPassword: 'whatever pass 123' });
      expect(res.status).toBe(400);
    }
    expect((await api.get('/api/auth/reset-password/verify?token=unknown')).body).toEqual(INVALID);
    expect((await api.get('/api/auth/reset-password/verify')).status).toBe(400);
  });
});

describe('rate limits', () => {
  it('sends at most 3 mails per email per hour, still answering 202, and logs the refusal', async () => {
    const limited = await startTestServer({ name: 'reset-limit', clock, env: { SMTP_URL: smtp.url } });
    try {
      const lapi = apiClient(limited.url);
      const a = newAccount('limit');
      await lapi.post('/api/auth/register', a);
      for (let i = 0; i < 5; i++) {
        const res = await lapi.post('/api/auth/forgot-password', { email: a.email });
        expect(res.status).toBe(202);
        expect(res.body).toEqual(NEUTRAL);
      }
      await limited.app.services.passwordReset.idle();
      expect(smtp.messages.filter((m) => m.envelopeTo.includes(a.email))).toHaveLength(3);
      expect(fs.readFileSync(limited.logFile, 'utf8')).toContain('reset_rate_limited');
      clock.advance(61 * 60_000);
      await lapi.post('/api/auth/forgot-password', { email: a.email });
      await limited.app.services.passwordReset.idle();
      expect(smtp.messages.filter((m) => m.envelopeTo.includes(a.email))).toHaveLength(4);
    } finally {
      await limited.close();
    }
  });

  it('sends at most 10 per IP per hour across emails', async () => {
    const limited = await startTestServer({
      name: 'reset-ip-limit',
      env: { SMTP_URL: smtp.url, RESET_MAX_PER_IP_PER_HOUR: '10' },
    });
    try {
      const lapi = apiClient(limited.url);
      const accounts = Array.from({ length: 12 }, () => newAccount('iplimit'));
      for (const a of accounts) {
        await lapi.post('/api/auth/register', a);
      }
      for (const a of accounts) {
        expect((await lapi.post('/api/auth/forgot-password', { email: a.email })).status).toBe(202);
      }
      await limited.app.services.passwordReset.idle();
      const sent = accounts.filter((a) => smtp.messages.some((m) => m.envelopeTo.includes(a.email)));
      expect(sent).toHaveLength(10);
    } finally {
      await limited.close();
    }
  });
});
