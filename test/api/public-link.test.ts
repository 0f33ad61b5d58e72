import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeTunnel } from '../helpers/fake-tunnel.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { useSmtpServer, useTestServer } from '../helpers/suite.js';

/**
 * The public link's wiring, with a stand-in for ngrok (the real one needs
 * the internet): the app is built with the public https URL as APP_URL, so
 * the session cookie, the Origin check and the links in mail follow it,
 * and /api/health reports the link. A link that fails leaves the app on
 * its local address.
 */

const PUBLIC = 'https://codegenie-test.ngrok.app';
const smtp = useSmtpServer();
const tunnel = new FakeTunnel({ publicUrl: PUBLIC });
const server = useTestServer(() => ({
  name: 'public-link',
  tunnel,
  env: { SMTP_URL: smtp.url, RESET_MAX_PER_EMAIL_PER_HOUR: '1000' },
}));
const api = apiClient(() => server.url);

const failing = new FakeTunnel({ failWith: 'authentication failed: ERR_NGROK_105' });
const local = useTestServer(() => ({
  name: 'public-link-failed',
  tunnel: failing,
  env: { SMTP_URL: smtp.url },
}));
const localApi = apiClient(() => local.url);

/** Asks for a reset of `email`'s password and returns the link it was mailed. */
async function resetLink(client: typeof api, email: string): Promise<string> {
  expect((await client.post('/api/auth/forgot-password', { email })).status).toBe(202);
  const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
  return secret(mail.resetLink ?? '');
}

describe('with the public link open', () => {
  it('opened the tunnel to the local server and reports it in /api/health', async () => {
    expect(tunnel.opened).toEqual([server.url]);
    const res = await api.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', tunnel: { state: 'open', url: PUBLIC } });
  });

  it('signs in with a Secure __Host- cookie, as over https', async () => {
    const { account } = await registerAndLogin(api);
    const login = await api.post('/api/auth/login', {
      username: account.username,
      password: account.password,
    });
    expect(login.status).toBe(200);
    const cookie = login.cookies[0] ?? '';
    secret(cookie.split(';')[0] ?? '');
    expect(cookie).toMatch(/^__Host-codegenie_session=/);
    expect(cookie).toMatch(/; Secure/);
  });

  it('mails reset links on the public host', async () => {
    const { account } = await registerAndLogin(api);
    expect(await resetLink(api, account.email)).toContain(`${PUBLIC}/reset-password?token=`);
  });

  it('takes browser requests from the public origin and refuses others', async () => {
    const from = (origin: string) =>
      api.post('/api/auth/forgot-password', { email: 'nobody@example.com' }, { headers: { origin } });
    expect((await from(PUBLIC)).status).toBe(202);
    expect((await from('https://evil.example')).status).toBe(403);
  });

  it('counts each visitor under the address ngrok forwards for, not 127.0.0.1', async () => {
    const probe = (client: typeof api, tag: string) =>
      client.get(`/api/health?probe=${tag}`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    const ipOf = (logFile: string, tag: string) =>
      fs
        .readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes(`probe=${tag}`))
        .map((line) => (JSON.parse(line) as { req?: { ip?: string } }).req?.ip);
    await probe(api, 'via-link');
    await probe(localApi, 'no-link');
    expect(ipOf(server.logFile, 'via-link')).toEqual(['203.0.113.7']);
    // Without the link (and without TRUST_PROXY) the header is not believed.
    expect(ipOf(local.logFile, 'no-link')).toEqual(['127.0.0.1']);
  });

  it('says "connecting" while ngrok reconnects a dropped session', async () => {
    tunnel.drop();
    expect((await api.get('/api/health')).body.tunnel).toEqual({ state: 'connecting' });
    tunnel.reconnect();
    expect((await api.get('/api/health')).body.tunnel).toEqual({ state: 'open', url: PUBLIC });
  });
});

describe('when the public link cannot be opened', () => {
  it('serves on the local address with its plain cookie and links, and /api/health says why', async () => {
    const health = await localApi.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: 'ok',
      tunnel: { state: 'failed', reason: 'authentication failed: ERR_NGROK_105' },
    });
    const { cookie, account } = await registerAndLogin(localApi);
    expect(cookie).toMatch(/^codegenie_session=/);
    expect(await resetLink(localApi, account.email)).toContain(`${local.url}/reset-password?token=`);
  });
});
