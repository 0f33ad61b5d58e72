import type { ApiErrorBody } from '../../shared/api.schemas';
import { MESSAGES } from '../../shared/messages';

/** Shown when the request never got an HTTP answer (offline, server down, DNS). */
export const NETWORK_ERROR_MESSAGE = 'Could not reach the server. Check your connection and try again.';

/** Field name -> message, as the API reports it in `error.details.fields`. */
export type FieldErrors = Readonly<Record<string, string>>;

/** A failed API call: either an HTTP error answer or no answer at all (`status` 0). */
export class ApiError extends Error {
  /** HTTP status; 0 when the request did not reach the server. */
  readonly status: number;
  /** Stable machine-readable code from the API (`invalid_credentials`, `conflict` ...). */
  readonly code: string;
  /** Per-field messages for form fields; empty when the API gave none. */
  readonly fields: FieldErrors;
  /** Seconds to wait before retrying (rate limits), from the body or the Retry-After header. */
  readonly retryAfterSeconds: number | undefined;
  /** Everything in `error.details` (e.g. the problems of an invalid model catalogue); empty when none. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    fields?: FieldErrors;
    retryAfterSeconds?: number;
    details?: Record<string, unknown>;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.details = init.details ?? {};
  }
}

/** Called when an authenticated request is answered 401, i.e. the session ended server-side. */
type UnauthorizedListener = () => void;
let unauthorizedListener: UnauthorizedListener | undefined;

/**
 * Registers the one listener told about 401 answers to requests made with
 * `{ sessionRequired: true }` (the auth provider uses it to sign the user out
 * locally when the session expires). Returns a function that unregisters it.
 */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListener = listener;
  return () => {
    if (unauthorizedListener === listener) {
      unauthorizedListener = undefined;
    }
  };
}

/** Options of one API call. */
export interface RequestOptions {
  /** Sent as JSON; omit for requests without a body (the API answers 415 to a JSON type on an empty body). */
  body?: unknown;
  signal?: AbortSignal;
  /**
   * True for calls that need a signed-in user: a 401 answer then means the
   * session expired and the unauthorized listener is told. Leave false for
   * login and the start-up `me` probe, where 401 is an ordinary answer.
   */
  sessionRequired?: boolean;
}

/**
 * Calls the API at `/api` + `path` on the same origin with the session cookie,
 * and returns the parsed JSON answer (`undefined` for 204). Throws `ApiError`
 * for any non-2xx answer and for network failures.
 */
export async function apiRequest<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (options.signal) {
    init.signal = options.signal;
  }
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(`/api${path}`, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') {
      throw cause;
    }
    throw new ApiError({ status: 0, code: 'network_error', message: NETWORK_ERROR_MESSAGE });
  }

  if (response.ok) {
    if (response.status === 204) {
      return undefined as T;
    }
    return (await response.json()) as T;
  }

  const error = await toApiError(response);
  if (error.status === 401 && options.sessionRequired === true) {
    unauthorizedListener?.();
  }
  throw error;
}

/**
 * POSTs `body` as JSON to `/api` + `path` (or GETs it when `body` is
 * undefined, with any extra `headers` such as Last-Event-ID), asking for a
 * server-sent event stream, and returns the open stream. An answer that is not a stream (any
 * error before the model starts: validation, limits, busy ...) is thrown as
 * `ApiError` exactly like `apiRequest` does; a 401 tells the unauthorized
 * listener, since streams always need a session.
 */
export async function openEventStream(
  path: string,
  body: unknown,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<ReadableStream<BufferSource>> {
  let response: Response;
  try {
    response = await fetch(
      `/api${path}`,
      body === undefined
        ? {
            method: 'GET',
            credentials: 'same-origin',
            headers: { Accept: 'text/event-stream', ...headers },
            signal,
          }
        : {
            method: 'POST',
            credentials: 'same-origin',
            headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json', ...headers },
            body: JSON.stringify(body),
            signal,
          },
    );
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') {
      throw cause;
    }
    throw new ApiError({ status: 0, code: 'network_error', message: NETWORK_ERROR_MESSAGE });
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (error.status === 401) {
      unauthorizedListener?.();
    }
    throw error;
  }
  if (!response.body || !(response.headers.get('Content-Type') ?? '').includes('text/event-stream')) {
    throw new ApiError({ status: response.status, code: 'bad_response', message: MESSAGES.internal });
  }
  return response.body;
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // A proxy or crash page instead of our JSON error body: fall through to the generic message.
  }
  const error = isApiErrorBody(body) ? body.error : undefined;
  const details = isRecord(error?.details) ? error.details : {};
  return new ApiError({
    status: response.status,
    code: error?.code ?? `http_${response.status}`,
    message: error?.message ?? MESSAGES.internal,
    fields: readFields(details['fields']),
    details,
    retryAfterSeconds:
      readPositiveNumber(details['retryAfterSeconds']) ??
      readPositiveNumber(Number(response.headers.get('Retry-After'))),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return (
    isRecord(value) &&
    isRecord(value['error']) &&
    typeof value['error']['code'] === 'string' &&
    typeof value['error']['message'] === 'string'
  );
}

function readFields(value: unknown): FieldErrors {
  if (!isRecord(value)) {
    return {};
  }
  const fields: Record<string, string> = {};
  for (const [name, message] of Object.entries(value)) {
    if (typeof message === 'string') {
      fields[name] = message;
    }
  }
  return fields;
}

function readPositiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
