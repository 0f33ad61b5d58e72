import { TunnelError, type TunnelPort, type TunnelState } from '../../src/server/tunnel/tunnel.port.js';

/** The public URL the fake answers unless given another. */
const FAKE_PUBLIC_URL = 'https://codegenie-test.ngrok.app';

/**
 * A stand-in for the ngrok tunnel (which needs the internet): `open`
 * answers `publicUrl`, or refuses with `failWith`, or with `hang` never
 * answers until aborted. `drop()` and `reconnect()` play a session that
 * ngrok loses and restores.
 */
export class FakeTunnel implements TunnelPort {
  /** The local addresses it was asked to forward to. */
  readonly opened: string[] = [];
  private current: TunnelState = { state: 'off' };

  constructor(private readonly behaviour: { publicUrl?: string; failWith?: string; hang?: boolean } = {}) {}

  async open(localUrl: string, signal: AbortSignal): Promise<{ publicUrl: string }> {
    this.opened.push(localUrl);
    this.current = { state: 'connecting' };
    if (this.behaviour.hang === true) {
      await new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          reject(signal.reason as Error);
        });
      });
    }
    if (this.behaviour.failWith !== undefined) {
      this.current = { state: 'off' };
      throw new TunnelError(this.behaviour.failWith);
    }
    const publicUrl = this.behaviour.publicUrl ?? FAKE_PUBLIC_URL;
    this.current = { state: 'open', url: publicUrl };
    return { publicUrl };
  }

  async close(): Promise<void> {
    this.current = { state: 'off' };
  }

  state(): TunnelState {
    return this.current;
  }

  /** The session dropped: ngrok is reconnecting. */
  drop(): void {
    this.current = { state: 'connecting' };
  }

  /** The session is back. */
  reconnect(): void {
    this.current = { state: 'open', url: this.behaviour.publicUrl ?? FAKE_PUBLIC_URL };
  }
}
