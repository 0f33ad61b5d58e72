import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import cors from '@fastify/cors';
import { ForbiddenError } from '../errors.js';
import { MESSAGES } from '../../shared/messages.js';

export interface SecurityOptions {
  appUrl: string;
  secure: boolean;
  corsOrigins: string[];
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses state-changing browser requests from another origin (OWASP CSRF
 * Cheat Sheet: verify the source origin; Fetch Metadata). Requests that carry
 * a bearer token are not affected: a browser never attaches one by itself.
 * Requests with neither header (curl, server-to-server) pass: they carry no
 * ambient browser credentials to abuse.
 */
export function isCrossOrigin(request: FastifyRequest, allowedOrigins: ReadonlySet<string>): boolean {
  if (!UNSAFE_METHODS.has(request.method)) {
    return false;
  }
  if (/^bearer\s/i.test(request.headers.authorization ?? '')) {
    return false;
  }
  const site = request.headers['sec-fetch-site'];
  // The browser attests same-origin itself; this also covers visitors who
  // reach the app under another host name than APP_URL.
  if (site === 'same-origin' || site === 'none') {
    return false;
  }
  const origin = request.headers.origin;
  if (typeof origin === 'string') {
    // Includes the opaque origin "null" (sandboxed frames, data: URLs).
    return !allowedOrigins.has(origin);
  }
  return site === 'cross-site' || site === 'same-site';
}

/**
 * The headers Helmet sets with `options`, worked out once. @fastify/helmet
 * builds a new Helmet middleware (parsing the CSP directives again) for
 * every request, a few per cent of a light request (issue 13); our headers
 * never change per request (no CSP nonces, no per-route settings), so
 * Helmet runs once here, on a throwaway instance, and the result is reused.
 */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  probe.get('/', async () => '');
  const res = await probe.inject({ method: 'GET', url: '/' });
  const bare = Fastify({ logger: false });
  bare.get('/', async () => '');
  const plain = await bare.inject({ method: 'GET', url: '/' });
  await Promise.all([probe.close(), bare.close()]);
  return Object.fromEntries(
    Object.entries(res.headers)
      .filter(([name]) => !(name in plain.headers))
      .map(([name, value]) => [name, String(value)]),
  );
}

/**
 * True for the API's own answers (JSON and event streams); false for pages,
 * assets and the API docs (Swagger UI is an HTML page with scripts).
 */
export function isApiAnswer(url: string): boolean {
  return url.startsWith('/api/') && !url.startsWith('/api/docs');
}

/** The full set for documents: what a page needs to be safe in a browser. */
function pageHeaderOptions(secure: boolean): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // Cross-Origin-Embedder-Policy would block nothing useful here and
    // breaks the API docs' assets; the rest of Helmet's defaults stay.
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
  };
}

/**
 * The short set for API answers, as the OWASP REST Security Cheat Sheet lists
 * for every API response: nosniff, a CSP that allows nothing and no framing,
 * X-Frame-Options, HSTS (Content-Type and Cache-Control are set per route).
 * Cross-Origin-Resource-Policy stays so no other site can embed an answer.
 * The rest of the page set only concerns documents; sending it on every JSON
 * answer cost about 500 bytes and a few per cent of a light request (issue 13).
 */
function apiHeaderOptions(secure: boolean): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    dnsPrefetchControl: false,
    ieNoOpen: false,
    permittedCrossDomainPolicies: false,
    xssFilter: false,
  };
}

/** Security headers (Helmet), optional CORS, and the cross-origin check. */
export const securityPlugin = fp<SecurityOptions>(
  async (app: FastifyInstance, opts) => {
    const [pageHeaders, apiHeaders] = await Promise.all([
      helmetHeaders(pageHeaderOptions(opts.secure)),
      helmetHeaders(apiHeaderOptions(opts.secure)),
    ]);

    if (opts.corsOrigins.length > 0) {
      await app.register(cors, { origin: opts.corsOrigins, credentials: true });
    }

    const allowed = new Set([new URL(opts.appUrl).origin, ...opts.corsOrigins]);
    // One synchronous hook for both: every hook and every promise is paid on every request.
    app.addHook('onRequest', (request, reply, done) => {
      // Fastify's headers, written with the answer's own in one writeHead: a header set on the raw
      // response instead sends every header of the answer through Node's slower setHeader path.
      // Streamed (hijacked) replies copy them (reply.getHeaders(), see routes/sse.ts).
      reply.headers(isApiAnswer(request.url) ? apiHeaders : pageHeaders);
      if (isCrossOrigin(request, allowed)) {
        request.log.warn(
          { origin: request.headers.origin, secFetchSite: request.headers['sec-fetch-site'] },
          'cross-origin request refused',
        );
        done(new ForbiddenError(MESSAGES.crossOrigin));
        return;
      }
      done();
    });
  },
  { name: 'security' },
);
