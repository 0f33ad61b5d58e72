import ngrok from '@ngrok/ngrok';
import { TunnelError, type TunnelPort, type TunnelState } from './tunnel.port.js';

/** What the adapter needs of `ngrok.forward` (tests pass a stand-in that never answers). */
export type NgrokForward = (config: ngrok.Config) => Promise<Pick<ngrok.Listener, 'url' | 'close'>>;

export interface NgrokOptions {
  /** NGROK_AUTHTOKEN. Never logged, and cut out of ngrok's messages (some quote it back). */
  authtoken: string;
  /** NGROK_DOMAIN: a reserved or static domain; ngrok picks one when unset. */
  domain: string | undefined;
}

/**
 * The public link through ngrok, with the official library (@ngrok/ngrok):
 * `ngrok.forward` opens a session with the token and an https endpoint that
 * forwards to the local address. A session that drops is reconnected by the
 * library itself (`onStatusChange`: closed, then connected), which state()
 * follows.
 */
export class NgrokTunnel implements TunnelPort {
  private current: TunnelState = { state: 'off' };
  private listener: Pick<ngrok.Listener, 'url' | 'close'> | undefined;
  private closed = false;

  constructor(
    private readonly options: NgrokOptions,
    private readonly forward: NgrokForward = ngrok.forward,
  ) {}

  async open(localUrl: string, signal: AbortSignal): Promise<{ publicUrl: string }> {
    this.current = { state: 'connecting' };
    const opening = this.forward({
      addr: localUrl,
      authtoken: this.options.authtoken,
      ...(this.options.domain === undefined ? {} : { domain: this.options.domain }),
      onStatusChange: (status) => {
        this.onStatus(status);
      },
    });
    // Opened after the caller gave up (or closed): close it at once, so no link outlives its use.
    void opening.then(
      async (listener) => {
        if (signal.aborted || this.closed) {
          await listener.close().catch(() => undefined);
        }
      },
      () => undefined,
    );
    let listener: Pick<ngrok.Listener, 'url' | 'close'>;
    try {
      listener = await abortable(opening, signal);
    } catch (error) {
      this.current = { state: 'off' };
      throw new TunnelError(this.describe(error));
    }
    const url = listener.url();
    if (url === null) {
      await listener.close().catch(() => undefined);
      this.current = { state: 'off' };
      throw new TunnelError('ngrok opened the tunnel but gave it no URL');
    }
    this.listener = listener;
    this.current = { state: 'open', url };
    return { publicUrl: url };
  }

  async close(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    this.listener = undefined;
    this.current = { state: 'off' };
    await listener?.close().catch(() => undefined);
  }

  state(): TunnelState {
    return this.current;
  }

  private onStatus(status: string): void {
    const url = this.listener?.url() ?? null;
    if (status === 'closed' && url !== null) {
      // The library reconnects on its own; until then the link does not work.
      this.current = { state: 'connecting' };
    } else if (status === 'connected' && url !== null) {
      this.current = { state: 'open', url };
    }
  }

  /** ngrok's own words (e.g. "authentication failed: ... ERR_NGROK_105"), without the token. */
  private describe(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const { authtoken } = this.options;
    const clean = authtoken.length > 0 ? text.split(authtoken).join('[redacted]') : text;
    return clean.replace(/\s+/g, ' ').trim() || 'ngrok refused the tunnel';
  }
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
async function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      reject(signal.reason as Error);
    };
  });
  if (signal.aborted) {
    onAbort();
  }
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
