import { MESSAGES } from '../../shared/messages';
import { ApiError, NETWORK_ERROR_MESSAGE } from '../api/api-client';
import type { StreamError } from '../api/generation.api';
import { formatRetryAfter } from '../pages/format-wait';

/** A run's failure as the page shows it next to the prompt. */
export interface RunError {
  /** Stable code from the API (`busy`, `rate_limited`, `provider_auth` ...). */
  code: string;
  /** Plain words, with how long to wait when the server said. */
  message: string;
  /** Per-field messages of a 400 answer (prompt, temperature ...). */
  fields: Readonly<Record<string, string>>;
}

/** Codes whose message is followed by "You can try again in …" when the server gave a wait. */
const WAIT_CODES = new Set(['busy', 'rate_limited', 'provider_rate_limited']);

/**
 * Turns a failed start (ApiError), a stream `error` event or anything else
 * into words for the page. The API's messages are already written for people
 * (they name the model, the limit or the missing key); this adds the wait and
 * rewords the few meant for API clients.
 */
export function describeRunError(error: unknown): RunError {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      message: withWait(error.code, reword(error.code, error.message), error.retryAfterSeconds),
      fields: error.fields,
    };
  }
  if (isStreamError(error)) {
    return {
      code: error.code,
      message: withWait(error.code, reword(error.code, error.message), error.retryAfterSeconds),
      fields: {},
    };
  }
  if (error instanceof TypeError) {
    // fetch or the stream reader failing mid-answer: the connection dropped.
    return { code: 'network_error', message: NETWORK_ERROR_MESSAGE, fields: {} };
  }
  return { code: 'internal', message: MESSAGES.internal, fields: {} };
}

function reword(code: string, message: string): string {
  switch (code) {
    case 'model_not_found':
      return 'That model is no longer offered by this server. Pick another model and try again.';
    case 'network_error':
      return NETWORK_ERROR_MESSAGE;
    case 'invalid_input':
      return message === MESSAGES.validation ? 'Some settings are missing or invalid.' : message;
    default:
      return message || MESSAGES.internal;
  }
}

function withWait(code: string, message: string, retryAfterSeconds: number | undefined): string {
  if (!WAIT_CODES.has(code)) {
    return message;
  }
  return [message, formatRetryAfter(retryAfterSeconds)].filter(Boolean).join(' ');
}

function isStreamError(value: unknown): value is StreamError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)['code'] === 'string' &&
    typeof (value as Record<string, unknown>)['message'] === 'string'
  );
}
