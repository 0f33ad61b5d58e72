/**
 * Reading what an OpenAI-compatible server says when it refuses a request:
 * the error message (cleaned for showing to a user), context-length
 * refusals, and Retry-After.
 */

/** Longest upstream message passed on to the user. */
export const MAX_UPSTREAM_MESSAGE_CHARS = 300;

/** Error bodies are read up to this size; the message is at the start anyway. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Narrows a parsed JSON value to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Removes secrets from text that will reach a user or a log: the API key
 * itself (some servers echo it, e.g. "Invalid token hf_...") and anything
 * that looks like a bearer credential.
 */
export function redactSecrets(text: string, secret: string | undefined): string {
  let clean = text;
  if (secret !== undefined && secret.length > 0) {
    clean = clean.split(secret).join('[redacted]');
  }
  return clean.replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]');
}

/**
 * The human-readable message of an error body, in the shapes servers use:
 * OpenAI/vLLM/llama.cpp `{"error": {"message"}}`, TGI and Hugging Face
 * `{"error": "..."}`, FastAPI `{"detail": ...}`, or plain text. Secrets are
 * removed before trimming so that no part of a key survives a cut.
 */
export function upstreamMessage(bodyText: string, secret: string | undefined): string {
  let message = bodyText;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    message = messageOf(parsed) ?? bodyText;
  } catch {
    // Not JSON: an HTML error page from a proxy, or plain text.
  }
  const clean = redactSecrets(message, secret).replace(/\s+/g, ' ').trim();
  if (clean.length <= MAX_UPSTREAM_MESSAGE_CHARS) {
    return clean;
  }
  return `${clean.slice(0, MAX_UPSTREAM_MESSAGE_CHARS - 1).trimEnd()}…`;
}

/**
 * `upstreamMessage` as users may see it: without URLs or IP addresses, which
 * a proxy's error page or a server's message may carry (an internal host and
 * port); administrators see the whole text on the Admin page and in the log.
 */
export function userMessage(bodyText: string, secret: string | undefined): string {
  return hideAddresses(upstreamMessage(bodyText, secret));
}

/**
 * An IPv6 address outside brackets, as Node prints it ("connect ECONNREFUSED
 * ::1:8000"): with "::", or all eight groups, so a time such as 12:30:45 is
 * left alone. Any port after it is taken as one more group.
 */
const BARE_IPV6 =
  /(?<![\w:.])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?)(?![\w:.])/gi;

/** Replaces URLs and IPv4/IPv6 addresses (with any port) by a neutral phrase. */
export function hideAddresses(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi, '[address hidden]')
    .replace(/\[[0-9a-f:]+\](?::\d+)?/gi, '[address hidden]')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '[address hidden]')
    .replace(BARE_IPV6, (match) => (match === '::' ? match : '[address hidden]'));
}

function messageOf(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (!isRecord(value)) {
    return undefined;
  }
  for (const field of ['error', 'message', 'detail']) {
    const inner = value[field];
    if (typeof inner === 'string') {
      return inner;
    }
    const nested = messageOf(inner);
    if (nested !== undefined) {
      return nested;
    }
    if (Array.isArray(inner) && inner.length > 0) {
      // FastAPI validation errors: [{"msg": "..."}]
      const first: unknown = inner[0];
      if (isRecord(first) && typeof first.msg === 'string') {
        return first.msg;
      }
    }
  }
  return undefined;
}

/**
 * Whether a 400-class refusal says the prompt (plus max_tokens) does not
 * fit the model's context. Wordings seen in the wild: OpenAI and vLLM
 * ("maximum context length is 4097 tokens", code context_length_exceeded),
 * llama.cpp ("exceeds the available context size"), TGI ("`inputs` tokens +
 * `max_new_tokens` must be <= 4096").
 */
export function isContextLengthRefusal(bodyText: string): boolean {
  return /context[ _-]?(length|window|size)|maximum context|too many tokens|prompt is too long|input is too long|tokens?`?.{0,40}must be <=/i.test(
    bodyText,
  );
}

/**
 * Retry-After in milliseconds: delay-seconds or an HTTP date (RFC 9110
 * 10.2.3). Undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') {
    return undefined;
  }
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) {
    return Math.round(Number(value) * 1000);
  }
  const date = Date.parse(value);
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, date - now);
}

/**
 * A response body as text, reading at most `maxBytes` (default
 * MAX_ERROR_BODY_BYTES, enough for any error message); `truncated` says the
 * rest was left unread.
 */
export async function readLimitedText(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number = MAX_ERROR_BODY_BYTES,
): Promise<{ text: string; truncated: boolean }> {
  if (body === null) {
    return { text: '', truncated: false };
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return { text: text + decoder.decode(), truncated: false };
    }
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes > maxBytes) {
      await reader.cancel();
      return { text: text + decoder.decode(), truncated: true };
    }
  }
}
