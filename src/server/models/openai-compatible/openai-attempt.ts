import type { AppError } from '../../errors.js';
import type { OpenAiModelEntry } from '../catalogue.js';
import { GenerationCancelledError, ProviderTimeoutError } from '../model-errors.js';

/** The three waits a remote generation is allowed (see config MODEL_*_TIMEOUT_SECONDS). */
export interface OpenAiTimeouts {
  /** From sending the request until the response headers arrive. */
  connectMs: number;
  /** From the response headers until the first non-empty token. */
  firstTokenMs: number;
  /** Silence allowed between two tokens. */
  idleMs: number;
}

/** Why an exchange was stopped from our side. */
export type StopReason = 'connect' | 'first-token' | 'idle' | 'client';

/**
 * A failure before the first token that may go away on its own (429, 5xx,
 * a refused or dropped connection): the provider tries again, and throws
 * `final` when it runs out of attempts.
 */
export class RetryableFailure extends Error {
  constructor(
    /** For the log: "HTTP 503", "ECONNREFUSED". */
    readonly description: string,
    readonly final: AppError,
    /** The server's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(description);
    this.name = 'RetryableFailure';
  }
}

/**
 * No answer at all: the connection was refused, reset or never made (the
 * request reached no server). With replicas, the request moves on to
 * another one at once.
 */
export class ConnectionFailure extends RetryableFailure {
  override readonly name = 'ConnectionFailure';
}

/**
 * One HTTP exchange with the model server: its AbortController, the one
 * timeout running at a time, and why we stopped it. Aborting the controller
 * makes fetch close the socket, so the upstream sees the client leave at
 * once and stops generating.
 */
export class UpstreamAttempt {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private reason: StopReason | undefined;
  private readonly onClientAbort = (): void => {
    this.stop('client');
  };

  constructor(private readonly clientSignal: AbortSignal) {
    if (clientSignal.aborted) {
      this.stop('client');
    } else {
      clientSignal.addEventListener('abort', this.onClientAbort, { once: true });
    }
  }

  /** Passed to fetch. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopReason(): StopReason | undefined {
    return this.reason;
  }

  /** Stops the exchange for `reason` unless disarm() comes within `ms`. */
  arm(reason: Exclude<StopReason, 'client'>, ms: number): void {
    this.disarm();
    this.timer = setTimeout(
      () => {
        this.stop(reason);
      },
      Math.max(0, ms),
    );
  }

  disarm(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  stop(reason: StopReason): void {
    this.reason ??= reason;
    this.controller.abort();
  }

  /**
   * The error for an exchange we stopped ourselves, or undefined when the
   * failure came from the network or the server.
   */
  stoppedError(model: OpenAiModelEntry, timeouts: OpenAiTimeouts): Error | undefined {
    switch (this.reason) {
      case undefined:
        return undefined;
      case 'client':
        return new GenerationCancelledError();
      case 'connect':
        return new ProviderTimeoutError(
          `${model.name} did not respond within ${seconds(timeouts.connectMs)} (connect timeout).`,
        );
      case 'first-token':
        return new ProviderTimeoutError(
          `${model.name} sent no answer within ${seconds(timeouts.firstTokenMs)} (first-token timeout).`,
        );
      case 'idle':
        return new ProviderTimeoutError(
          `${model.name} went silent for ${seconds(timeouts.idleMs)} in the middle of the answer (idle timeout).`,
        );
    }
  }

  /**
   * Ends the exchange. Unless the response was read to its end, the
   * connection is closed so the server stops generating.
   */
  dispose(complete: boolean): void {
    this.disarm();
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
    if (!complete) {
      this.controller.abort();
    }
  }
}

function seconds(ms: number): string {
  const value = ms / 1000;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}
