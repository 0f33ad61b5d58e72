import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock.js';
import { freePort, startTestServer, type TestServer } from '../helpers/app.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { useSmtpServer, useTempDir } from '../helpers/suite.js';

/**
 * Issue 13, finding 12: mail waiting for a retry lives in the store's
 * outbox, survives a stop, is sent by the next start, and a withdrawn
 * token's mail is not retried. Finding 13: a deleted account takes its
 * queued mail and its outbox-folder files with it.
 */
const smtp = useSmtpServer();
const data = useTempDir('codegenie-outbox-');
const MINUTE = 60_000;
/** Long enough that nothing is retried unless the test moves the clock. */
const SLOW_RETRY = { attempts: 4, baseDelayMs: 10 * MINUTE };

/** Waits until the log shows `count` failed tries of a reset mail. */
async function failedTries(server: TestServer, count: number): Promise<void> {
  await expect
    .poll(
      () =>
        fs
          .readFileSync(server.logFile, 'utf8')
          .split('\n')
          .filter((l) => l.includes('"mail":"password-reset"') && l.includes('mail failed')).length,
    )
    .toBe(count);
}

describe('pending mail survives a restart', () => {
  it('a reset asked for while the mail server is down arrives after a stop and a new start, and its link works', async () => {
    const clock = new ManualClock(Date.now());
    const dataDir = path.join(data.path, 'restart');
    const down = await startTestServer({
      name: 'outbox-down',
      clock,
      dataDir,
      mailRetry: SLOW_RETRY,
      env: { SMTP_URL: `smtp://127.0.0.1:${await freePort()}` },
    });
    const api = apiClient(down.url);
    const { account } = await registerAndLogin(api);
    expect((await api.post('/api/auth/forgot-password', { email: account.email })).status).toBe(202);
    await failedTries(down, 1);
    await down.close();

    clock.advance(SLOW_RETRY.baseDelayMs);
    const up = await startTestServer({ name: 'outbox-up', clock, dataDir, env: { SMTP_URL: smtp.url } });
    try {
      const mail = await smtp.waitFor((m) => m.envelopeTo.includes(account.email));
      expect(mail.parsed.subject).toBe('Reset your CodeGenie password');
      const token = secret(new URL(mail.resetLink ?? '').searchParams.get('token') ?? '');
      const upApi = apiClient(up.url);
      const newPassword = secret('after the restart 42');
      expect((await upApi.post('/api/auth/reset-password', { token, newPassword })).status).toBe(200);
      expect(
        (await upApi.post('/api/auth/login', { username: account.username, password: newPassword })).status,
      ).toBe(200);
      await expect.poll(async () => (await up.store.outbox.nextDueAt()) === null).toBe(true);
    } finally {
      await up.close();
    }
  });
});

describe('withdrawn tokens stop their retries', () => {
  const clock = new ManualClock(Date.now());
  /** A server whose mail server refuses every recipient, until the test lets it accept; each first try fails. */
  let refusing: TestServer | undefined;
  async function startRefusing(name: string): Promise<TestServer> {
    smtp.mode = 'reject';
    refusing = await startTestServer({ name, clock, mailRetry: SLOW_RETRY, env: { SMTP_URL: smtp.url } });
    return refusing;
  }
  /** Lets the mail server accept and the retries come due, and waits until the outbox is empty. */
  async function acceptAndRetry(server: TestServer): Promise<void> {
    smtp.mode = 'accept';
    clock.advance(SLOW_RETRY.baseDelayMs);
    await server.app.services.passwordReset.idle();
  }
  afterEach(async () => {
    smtp.mode = 'accept';
    await refusing?.close();
    refusing = undefined;
  });

  it('a newer reset: only the mail with the live link is retried and arrives', async () => {
    const server = await startRefusing('outbox-newer');
    const api = apiClient(server.url);
    const { account, user } = await registerAndLogin(api);
    await api.post('/api/auth/forgot-password', { email: account.email });
    await failedTries(server, 1);
    await api.post('/api/auth/forgot-password', { email: account.email });
    await failedTries(server, 2);
    expect(await server.store.outbox.listForUser(user.id)).toHaveLength(2);

    await acceptAndRetry(server);
    const mails = smtp.messages.filter((m) => m.envelopeTo.includes(account.email));
    expect(mails).toHaveLength(1);
    expect(fs.readFileSync(server.logFile, 'utf8')).toContain('mail withdrawn');
    const token = secret(new URL(mails[0]?.resetLink ?? '').searchParams.get('token') ?? '');
    expect((await api.get(`/api/auth/reset-password/verify?token=${token}`)).status).toBe(200);
  });

  it('a deleted account: its queued mail goes with it and is never sent', async () => {
    const server = await startRefusing('outbox-deleted');
    const api = apiClient(server.url);
    const { account, user, token } = await registerAndLogin(api);
    await api.post('/api/auth/forgot-password', { email: account.email });
    await failedTries(server, 1);
    const res = await api.delete('/api/profile', { password: account.password }, { token });
    expect(res.status).toBe(204);
    expect(await server.store.outbox.listForUser(user.id)).toEqual([]);

    await acceptAndRetry(server);
    expect(smtp.messages.some((m) => m.envelopeTo.includes(account.email))).toBe(false);
  });
});

describe('deleting an account (outbox folder, no SMTP_URL)', () => {
  it("removes the user's mail files and no one else's", async () => {
    const server = await startTestServer({ name: 'outbox-files' });
    try {
      const api = apiClient(server.url);
      // `kept` first: the first account is the admin, who may not leave the other without one.
      const kept = await registerAndLogin(api);
      const gone = await registerAndLogin(api);
      for (const who of [gone, kept]) {
        await api.post('/api/auth/forgot-password', { email: who.account.email });
      }
      await server.app.services.passwordReset.idle();
      const outbox = path.join(server.dataDir, 'outbox');
      const files = () => fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));
      const mentions = (email: string) =>
        files().filter((f) => fs.readFileSync(path.join(outbox, f), 'utf8').includes(email));
      expect(mentions(gone.account.email)).toHaveLength(1);

      const res = await api.delete(
        '/api/profile',
        { password: gone.account.password },
        { token: gone.token },
      );
      expect(res.status).toBe(204);
      expect(mentions(gone.account.email)).toEqual([]);
      expect(mentions(kept.account.email)).toHaveLength(1);
      // The files are named by user id, never by name or address.
      expect(files().join('\n')).not.toContain(kept.account.username);
    } finally {
      await server.close();
    }
  });
});

describe('the per-email quota counts per requesting source (finding 8)', () => {
  it("another source spending a victim's quota does not suppress the owner's own request", async () => {
    // Two real sources on loopback: 127.0.0.2 is the attacker, 127.0.0.1 the owner.
    const server = await startTestServer({ name: 'outbox-quota', env: { SMTP_URL: smtp.url } });
    try {
      const api = apiClient(server.url);
      const { account } = await registerAndLogin(api);
      for (let i = 0; i < 5; i++) {
        expect(await postFrom('127.0.0.2', `${server.url}/api/auth/forgot-password`, account.email)).toBe(
          202,
        );
      }
      await server.app.services.passwordReset.idle();
      const before = smtp.messages.filter((m) => m.envelopeTo.includes(account.email)).length;
      expect(before).toBe(3);
      expect(fs.readFileSync(server.logFile, 'utf8')).toContain('reset_rate_limited');

      expect(await postFrom('127.0.0.1', `${server.url}/api/auth/forgot-password`, account.email)).toBe(202);
      await server.app.services.passwordReset.idle();
      expect(smtp.messages.filter((m) => m.envelopeTo.includes(account.email))).toHaveLength(before + 1);
    } finally {
      await server.close();
    }
  });
});

/** POSTs `{email}` from a given local address; resolves to the status. */
async function postFrom(localAddress: string, url: string, email: string): Promise<number> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ email }));
  });
}
