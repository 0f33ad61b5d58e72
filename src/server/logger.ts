import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';

/**
 * One log call, in pino's argument order: a message, or an object of fields
 * (`err` for an error) followed by the message.
 */
export interface LogFn {
  (message: string): void;
  (fields: object, message?: string): void;
}

/**
 * The logger services, adapters and factories take: the part of pino's
 * logger this code uses. Fastify's `app.log` is one; a test can pass any
 * object with these methods. Keeping our own type means nothing below the
 * routes imports Fastify.
 */
export interface Logger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Query parameters whose values never reach a log line. `q` too: an admin's
 * user search is a username or an email, and logs name users by id only.
 */
const SECRET_QUERY_KEYS = /^(token|access_token|refresh_token|code|key|password|secret|invitation|q)$/i;

/** Replaces the values of secret query parameters with [redacted]. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) {
    return url;
  }
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      let name = key;
      try {
        name = decodeURIComponent(key);
      } catch {
        // keep the raw key
      }
      return SECRET_QUERY_KEYS.test(name) && eq >= 0 ? `${key}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/**
 * Paths pino censors wherever they are logged. Headers are not logged by the
 * request serializer at all; these guard against objects logged by hand.
 */
export const REDACT_PATHS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'token',
  'accessToken',
  'secret',
  'invitation',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.secret',
  '*.invitation',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

interface SerializableRequest {
  method: string;
  url: string;
  ip?: string;
  id?: string;
  headers?: Record<string, unknown>;
}

/** Pino options: structured JSON, secrets redacted, request URLs scrubbed. */
export function loggerOptions(
  level: Config['logLevel'],
): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: SerializableRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        ip: req.ip,
        userAgent: req.headers?.['user-agent'],
      }),
    },
  };
}

/** pino's numbers for the levels: a line is written when its level is at least the logger's. */
const LEVEL_VALUES: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

function levelValue(level: string): number {
  return LEVEL_VALUES[level] ?? 0;
}

/** A request that takes longer than this is logged at `info` (streams excepted: they last as long as a run). */
export const SLOW_REQUEST_MS = 1000;

/**
 * The level of the log line for one finished request. At
 * `info` only what an operator must see: answers with a 5xx status and
 * slow requests. Every other request is logged at `debug`. A line per
 * request at `info` cost about 30 % of the throughput of a light request
 * (issue 13), and it repeated what the audit events (sign-ins, failures,
 * account changes, generations) already record with user and session ids.
 */
export function requestLogLevel(
  statusCode: number,
  elapsedMs: number,
  contentType: unknown,
): 'warn' | 'info' | 'debug' {
  if (statusCode >= 500) {
    return 'warn';
  }
  const streamed = typeof contentType === 'string' && contentType.startsWith('text/event-stream');
  return elapsedMs >= SLOW_REQUEST_MS && !streamed ? 'info' : 'debug';
}

/**
 * One concise line per finished request, at the level `requestLogLevel`
 * picks; replaces Fastify's two lines per request (`disableRequestLogging`).
 * The line carries the request id (pino's `reqId`), method, scrubbed URL,
 * status and time, so an error report with a request id can be found.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    const level = requestLogLevel(reply.statusCode, reply.elapsedTime, reply.getHeader('content-type'));
    if (levelValue(level) >= levelValue(app.log.level)) {
      request.log[level](
        {
          req: request,
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request completed',
      );
    }
    done();
  });
}
