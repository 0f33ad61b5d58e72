import { defaultMailFrom, type Config } from '../config.js';
import { TunnelError, type TunnelPort, type TunnelState } from './tunnel.port.js';

/**
 * The public link at start-up: opens the tunnel (bounded by
 * NGROK_TIMEOUT_SECONDS), and on success returns a config whose APP_URL is
 * the public https URL. It is opened before the app is built, not bound
 * late, because the app URL decides things fixed for the app's life: the
 * session cookie's name and flags (`__Host-`, Secure: a switch would sign
 * out everyone who signed in before it), HSTS, the Origin check and the
 * links in mail. A failure only costs the link: the app starts on its local
 * address, and /api/health says why.
 */
export class PublicLink {
  private failure: string | undefined;

  constructor(
    private readonly tunnel: TunnelPort,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Opens the tunnel to `localUrl`; resolves with the public URL, or with
   * the reason it could not (never rejects). Waits at most `timeoutMs`.
   */
  async open(localUrl: string): Promise<{ publicUrl: string } | { reason: string }> {
    this.failure = undefined;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(
        new TunnelError(
          `ngrok did not answer within ${this.timeoutMs / 1000} s (no network, or a firewall blocks it)`,
        ),
      );
    }, this.timeoutMs);
    try {
      return await this.tunnel.open(localUrl, controller.signal);
    } catch (error) {
      this.failure = error instanceof TunnelError ? error.message : 'the tunnel could not be opened';
      await this.tunnel.close();
      return { reason: this.failure };
    } finally {
      clearTimeout(timer);
    }
  }

  /** What GET /api/health reports: the failure, else the tunnel's own state. */
  state(): TunnelState {
    return this.failure === undefined ? this.tunnel.state() : { state: 'failed', reason: this.failure };
  }

  async close(): Promise<void> {
    await this.tunnel.close();
  }
}

/** The config with `publicUrl` as APP_URL, and what follows from it. */
export function withPublicUrl(config: Config, publicUrl: string): Config {
  const appUrl = publicUrl.replace(/\/+$/, '');
  return {
    ...config,
    appUrl,
    secure: appUrl.startsWith('https://'),
    // ngrok connects from this machine and names the visitor in X-Forwarded-For: without
    // this, every visitor would count as 127.0.0.1 for the per-address limits.
    server: { ...config.server, trustProxy: config.server.trustProxy === true ? true : 'loopback' },
    mail: {
      ...config.mail,
      from: config.mail.from === defaultMailFrom(config.appUrl) ? defaultMailFrom(appUrl) : config.mail.from,
    },
  };
}

/** Where the tunnel reaches the app on this machine: the listening address, or loopback for "any". */
export function localAddress(server: Config['server']): string {
  const host = ['0.0.0.0', '::', ''].includes(server.host)
    ? '127.0.0.1'
    : server.host.includes(':')
      ? `[${server.host}]`
      : server.host;
  return `http://${host}:${server.port}`;
}

/**
 * Opens the public link when one is configured (`tunnel` given) and says
 * what happened on `print` (the console at start-up). Returns the config
 * the app runs with and the link for /api/health; undefined when none.
 */
export async function startPublicLink(
  config: Config,
  tunnel: TunnelPort | undefined,
  print: (line: string) => void,
): Promise<{ config: Config; link: PublicLink | undefined }> {
  if (tunnel === undefined) {
    return { config, link: undefined };
  }
  const link = new PublicLink(tunnel, config.publicLink?.timeoutMs ?? 15_000);
  print('Opening the public link (ngrok)...');
  const opened = await link.open(localAddress(config.server));
  if ('reason' in opened) {
    print(
      `The public link (ngrok) could not be opened: ${opened.reason}. CodeGenie serves at ${config.appUrl} only.`,
    );
    return { config, link };
  }
  print(`Public link: ${opened.publicUrl}`);
  return { config: withPublicUrl(config, opened.publicUrl), link };
}
