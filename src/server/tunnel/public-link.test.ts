import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeTunnel } from '../../../test/helpers/fake-tunnel.js';
import { loadConfig } from '../config.js';
import { localAddress, PublicLink, startPublicLink, withPublicUrl } from './public-link.js';

const PUBLIC = 'https://codegenie-test.ngrok.app';
const base = (env: Record<string, string> = {}) =>
  loadConfig({ PORT: '4321', NGROK_AUTHTOKEN: 'token-for-tests', NGROK_TIMEOUT_SECONDS: '15', ...env });

describe('startPublicLink', () => {
  it('opens the tunnel to the local address and runs the app with the public URL as APP_URL', async () => {
    const tunnel = new FakeTunnel({ publicUrl: PUBLIC });
    const lines: string[] = [];
    const { config, link } = await startPublicLink(base(), tunnel, (line) => lines.push(line));
    expect(tunnel.opened).toEqual(['http://127.0.0.1:4321']);
    expect(config.appUrl).toBe(PUBLIC);
    expect(config.secure).toBe(true);
    expect(config.mail.from).toBe('CodeGenie <no-reply@codegenie-test.ngrok.app>');
    expect(lines).toContain(`Public link: ${PUBLIC}`);
    expect(link?.state()).toEqual({ state: 'open', url: PUBLIC });
  });

  it('keeps the local APP_URL and says why when the tunnel cannot open', async () => {
    const tunnel = new FakeTunnel({ failWith: 'authentication failed: ERR_NGROK_105' });
    const lines: string[] = [];
    const { config, link } = await startPublicLink(base(), tunnel, (line) => lines.push(line));
    expect(config.appUrl).toBe('http://localhost:4321');
    expect(config.secure).toBe(false);
    expect(lines).toContain(
      'The public link (ngrok) could not be opened: authentication failed: ERR_NGROK_105. CodeGenie serves at http://localhost:4321 only.',
    );
    expect(link?.state()).toEqual({ state: 'failed', reason: 'authentication failed: ERR_NGROK_105' });
  });

  it('does nothing without a tunnel', async () => {
    const config = base();
    expect(await startPublicLink(config, undefined, () => undefined)).toEqual({ config, link: undefined });
  });
});

describe('PublicLink', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives up after its timeout when ngrok never answers, and closes the tunnel', async () => {
    vi.useFakeTimers();
    const tunnel = new FakeTunnel({ hang: true });
    const link = new PublicLink(tunnel, 15_000);
    const opening = link.open('http://127.0.0.1:3000');
    await vi.advanceTimersByTimeAsync(14_999);
    expect(link.state()).toEqual({ state: 'connecting' });
    await vi.advanceTimersByTimeAsync(1);
    const reason = 'ngrok did not answer within 15 s (no network, or a firewall blocks it)';
    expect(await opening).toEqual({ reason });
    expect(link.state()).toEqual({ state: 'failed', reason });
  });

  it('reports the tunnel’s own state while open: connecting while ngrok reconnects, then open', async () => {
    const tunnel = new FakeTunnel({ publicUrl: PUBLIC });
    const link = new PublicLink(tunnel, 15_000);
    await link.open('http://127.0.0.1:3000');
    tunnel.drop();
    expect(link.state()).toEqual({ state: 'connecting' });
    tunnel.reconnect();
    expect(link.state()).toEqual({ state: 'open', url: PUBLIC });
    await link.close();
    expect(link.state()).toEqual({ state: 'off' });
  });
});

describe('withPublicUrl', () => {
  it('keeps an explicit MAIL_FROM and TRUST_PROXY, and trusts only loopback proxies otherwise', () => {
    const plain = withPublicUrl(base(), `${PUBLIC}/`);
    expect(plain.appUrl).toBe(PUBLIC);
    expect(plain.server.trustProxy).toBe('loopback');
    const explicit = withPublicUrl(
      base({ MAIL_FROM: 'Team <team@example.com>', TRUST_PROXY: 'true' }),
      PUBLIC,
    );
    expect(explicit.mail.from).toBe('Team <team@example.com>');
    expect(explicit.server.trustProxy).toBe(true);
  });
});

describe('localAddress', () => {
  it('reaches an app listening on every interface through loopback', () => {
    expect(localAddress({ host: '0.0.0.0', port: 80, trustProxy: false, corsOrigins: [] })).toBe(
      'http://127.0.0.1:80',
    );
    expect(localAddress({ host: '::1', port: 80, trustProxy: false, corsOrigins: [] })).toBe(
      'http://[::1]:80',
    );
    expect(localAddress({ host: '10.0.0.5', port: 80, trustProxy: false, corsOrigins: [] })).toBe(
      'http://10.0.0.5:80',
    );
  });
});
