import fs from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { freePort, startTestServer } from '../helpers/app.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useSmtpServer } from '../helpers/suite.js';

const smtp = useSmtpServer();

describe('when the mail server fails', () => {
  it.each([
    ['is down', async () => `smtp://127.0.0.1:${await freePort()}`, 'accept'],
    ['refuses the recipient', async () => smtp.url, 'reject'],
    ['refuses the connection', async () => smtp.url, 'drop'],
  ] as const)(
    '%s: answers 202, retries a bounded number of times, stays healthy, leaves no usable token',
    async (_label, url, mode) => {
      smtp.mode = mode;
      const server = await startTestServer({ name: `mail-${mode}`, env: { SMTP_URL: await url() } });
      try {
        const api = apiClient(server.url);
        const { account, user } = await registerAndLogin(api);
        const res = await api.post('/api/auth/forgot-password', { email: account.email });
        expect(res.status).toBe(202);
        await server.app.services.passwordReset.idle();

        const log = fs.readFileSync(server.logFile, 'utf8');
        const failures = log
          .split('\n')
          .filter((l) => l.includes('"mail":"password-reset"') && l.includes('mail failed'));
        expect(failures).toHaveLength(3);
        expect(failures.every((l) => /"reason":"[^"]+"/.test(l))).toBe(true);
        expect(log).toContain('reset_mail_undeliverable');

        // The token whose mail never left is gone: nobody can use it.
        const db = await import('better-sqlite3');
        const raw = new db.default(path.join(server.dataDir, 'codegenie.db'), { readonly: true });
        const count = raw.prepare('SELECT count(*) AS n FROM password_resets WHERE user_id = ?').get(user.id);
        raw.close();
        expect(count).toEqual({ n: 0 });

        expect((await api.get('/api/health')).status).toBe(200);
        expect(
          (await api.post('/api/auth/login', { username: account.username, password: account.password }))
            .status,
        ).toBe(200);
      } finally {
        smtp.mode = 'accept';
        await server.close();
      }
    },
  );

  it('recovers: a later request is delivered once the server is back', async () => {
    smtp.mode = 'reject';
    const server = await startTestServer({ name: 'mail-recover', env: { SMTP_URL: smtp.url } });
    try {
      const api = apiClient(server.url);
      const { account } = await registerAndLogin(api);
      await api.post('/api/auth/forgot-password', { email: account.email });
      await server.app.services.passwordReset.idle();
      smtp.mode = 'accept';
      await api.post('/api/auth/forgot-password', { email: account.email });
      const mail = await smtp.waitFor((m) => m.envelopeTo.includes(account.email));
      expect(mail.resetLink).toBeDefined();
    } finally {
      smtp.mode = 'accept';
      await server.close();
    }
  });
});

describe('the outbox adapter (no SMTP_URL)', () => {
  it('writes a readable RFC 5322 .eml file, mode 0600, with text and HTML parts and the link', async () => {
    const server = await startTestServer({ name: 'outbox' });
    try {
      const api = apiClient(server.url);
      const { account } = await registerAndLogin(api);
      await api.post('/api/auth/forgot-password', { email: account.email });
      await server.app.services.passwordReset.idle();
      const outbox = path.join(server.dataDir, 'outbox');
      const files = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const file = path.join(outbox, files[0] ?? '');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const raw = fs.readFileSync(file, 'utf8');
      expect(raw).toMatch(/^(?:[\w-]+: .*\r\n(?:[ \t].*\r\n)*)+\r\n/); // headers, CRLF, blank line
      const parsed = await PostalMime.parse(raw);
      expect(parsed.to?.[0]?.address).toBe(account.email);
      expect(parsed.subject).toBe('Reset your CodeGenie password');
      expect(parsed.text).toContain(`${server.url}/reset-password?token=`);
      expect(parsed.html).toContain('Reset your password');
      expect(fs.readFileSync(server.logFile, 'utf8')).toContain(`mail written to ${file}`);
    } finally {
      await server.close();
    }
  });
});
