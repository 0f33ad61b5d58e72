import { errorCode } from './openai-stream.js';
import { isRecord, readLimitedText, upstreamMessage } from './openai-upstream.js';

/**
 * One look at an OpenAI-compatible server: GET {baseUrl}/models with the
 * API key, as generation sends it. Cheap (no tokens are generated) and
 * answered by every server we know of, or 404 by the few without a list.
 */

/** A model list larger than this is not read; the server counts as reachable with an unknown list. */
export const MAX_MODEL_LIST_BYTES = 4 * 1024 * 1024;

/** What one check found. `status`, `error` and the URL are for the log only, never for users. */
export type ServerFinding =
  | {
      kind: 'reachable';
      /** The model ids the server lists; null when it has no readable list (404, not JSON, too big). */
      served: ReadonlySet<string> | null;
      status: number;
    }
  /** No connection, no answer within the time limit, or the connection dropped. */
  | { kind: 'unreachable'; error: string }
  /** 401 or 403. */
  | { kind: 'refused-key'; status: number; error: string }
  /** 5xx. */
  | { kind: 'failing'; status: number; error: string };

/** Where to look, and with which key. */
export interface CheckTarget {
  baseUrl: string;
  apiKey: string | undefined;
}

/** The URL of the model list under a base URL. */
export function modelListUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/models`;
}

/**
 * Checks a server. Never throws: every failure is a finding. `signal`
 * aborts it (the provider is closing); `timeoutMs` bounds the whole
 * exchange, headers and body.
 */
export async function checkServer(
  target: CheckTarget,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ServerFinding> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = AbortSignal.any([timeout, signal]);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.apiKey !== undefined) {
    headers.authorization = `Bearer ${target.apiKey}`;
  }
  try {
    const response = await fetch(modelListUrl(target.baseUrl), { headers, signal: both });
    const body = await readLimitedText(response.body, MAX_MODEL_LIST_BYTES);
    // A list too long to read whole is no list (its JSON would be cut).
    const text = body.truncated ? undefined : body.text;
    const status = response.status;
    if (status === 401 || status === 403) {
      return { kind: 'refused-key', status, error: upstreamMessage(text ?? '', target.apiKey) };
    }
    if (status >= 500) {
      return { kind: 'failing', status, error: upstreamMessage(text ?? '', target.apiKey) };
    }
    // 404 (no list on this server), 429 and other answers: it is there and answering.
    return { kind: 'reachable', served: response.ok ? listedIds(text) : null, status };
  } catch (error) {
    if (timeout.aborted) {
      return { kind: 'unreachable', error: `no answer within ${timeoutMs} ms` };
    }
    return {
      kind: 'unreachable',
      error: errorCode(error) ?? (error instanceof Error ? error.message : String(error)),
    };
  }
}

/** The ids of an OpenAI list `{"data": [{"id": ...}]}`; null for anything else. */
export function listedIds(text: string | undefined): ReadonlySet<string> | null {
  if (text === undefined) {
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.data)) {
    return null;
  }
  const ids = new Set<string>();
  for (const entry of parsed.data as unknown[]) {
    if (!isRecord(entry) || typeof entry.id !== 'string') {
      return null;
    }
    ids.add(entry.id);
  }
  return ids;
}

/**
 * Whether a listed server serves `model`. Lenient, because a wrong
 * "unavailable" blocks users: case is ignored, Ollama lists `name:latest`
 * for a model asked for as `name`, and Hugging Face's router lists `org/model`
 * for a model asked for with a provider suffix (`org/model:fastest`).
 */
export function serves(served: ReadonlySet<string>, model: string): boolean {
  const wanted = model.toLowerCase();
  const colon = wanted.lastIndexOf(':');
  const candidates = new Set([wanted, `${wanted}:latest`]);
  if (colon > 0) {
    candidates.add(wanted.slice(0, colon));
  }
  for (const id of served) {
    if (candidates.has(id.toLowerCase())) {
      return true;
    }
  }
  return false;
}
