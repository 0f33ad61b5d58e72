import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { apiClient, newAccount, registerAndLogin, type ApiClient } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp.js';

let smtp: TestSmtpServer;
let server: TestServer;
let api: ApiClient;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({
    name: 'reset',
    clock,
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'CodeGenie <no-reply@codegenie.test>',
      RESET_MAX_PER_EMAIL_PER_HOUR: '1000',
    },
  });
  api = apiClient(server.url);
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});

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

  it('takes the same time whether or not the account exists (work happens off the request path)', async () => {
    const emails: string[] = [];
    for (let i = 0; i < 20; i++) {
      const a = newAccount('timing');
      await api.post('/api/auth/register', a);
      emails.push(a.email);
    }
    const time = async (email: string) => {
      const start = process.hrtime.bigint();
      expect((await api.post('/api/auth/forgot-password', { email })).status).toBe(202);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    await time('warm.up@example.com');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 20; i++) {
      known.push(await time(emails[i] ?? ''));
      unknown.push(await time(`ghost${i}@example.com`));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
    // Sending one mail over SMTP alone takes several milliseconds; a response
    // that waited for the lookup and the mail would stand out.
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(2);
    await server.app.services.passwordReset.idle();
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
