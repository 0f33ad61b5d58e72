import type { TunnelState } from '../../shared/api.schemas.js';

export type { TunnelState } from '../../shared/api.schemas.js';

/**
 * A public https link to the app running on this machine (an ngrok tunnel;
 * a fake in tests). One tunnel per adapter instance.
 */
export interface TunnelPort {
  /**
   * Opens the tunnel to `localUrl` (where the app listens, e.g.
   * http://127.0.0.1:3000) and resolves with its public https URL. Rejects
   * with TunnelError when it cannot (a refused token, no network).
   * `signal` aborts it (the caller's timeout).
   */
  open(localUrl: string, signal: AbortSignal): Promise<{ publicUrl: string }>;
  /** Closes the tunnel (and one still opening); never rejects. */
  close(): Promise<void>;
  /** Where the tunnel is now: connecting, open (after a drop, ngrok reconnects: connecting again), or off. */
  state(): TunnelState;
}

/** The tunnel could not be opened; the message is for the operator and holds no token. */
export class TunnelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TunnelError';
  }
}
