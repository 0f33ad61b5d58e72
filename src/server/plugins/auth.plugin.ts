import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { MESSAGES } from '../../shared/messages.js';
import type { AuthService, Authenticated, ClientInfo } from '../services/auth.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireAuth` (or `optionalAuth`) once the session is checked. */
    auth: Authenticated | null;
  }
  interface FastifyInstance {
    /** preHandler: 401 unless the request carries a live session. */
    requireAuth: preHandlerAsyncHookHandler;
    /** preHandler: sets request.auth when a live session is present, never fails. */
    optionalAuth: preHandlerAsyncHookHandler;
    /** preHandler: 401 unless signed in, 403 unless the user is an admin. */
    requireAdmin: preHandlerAsyncHookHandler;
    /** Sets the session cookie on the reply. */
    setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date): void;
    /** Expires the session cookie. */
    clearSessionCookie(reply: FastifyReply): void;
  }
}

export interface AuthPluginOptions {
  auth: AuthService;
  secure: boolean;
}

/** The session cookie name; `__Host-` pins it to this origin over https. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-codegenie_session' : 'codegenie_session';
}

/**
 * The session of a request that passed `requireAuth`. Reaching here without
 * one is a wiring bug (the route forgot its preHandler), not a client error.
 */
export function authOf(request: FastifyRequest): Authenticated {
  if (!request.auth) {
    throw new Error('route requires authentication');
  }
  return request.auth;
}

/** The client's IP and browser, as recorded on sessions and in the audit log. */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : null };
}

/**
 * Reads the token from `Authorization: Bearer` (preferred) or the cookie.
 * The Cookie header is parsed here, only on routes that authenticate, not by
 * a hook on every request (issue 13: health, assets and pages never read it).
 */
function tokenOf(request: FastifyRequest, cookieName: string): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.length > 0) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // A malformed Authorization header is refused, never ignored in favour of the cookie.
    return match?.[1] ?? '';
  }
  const cookies = request.headers.cookie;
  return cookies ? (request.server.parseCookie(cookies)[cookieName] ?? null) : null;
}

/** Authenticates requests by bearer token or session cookie. */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, opts) => {
    const cookieName = sessionCookieName(opts.secure);
    // hook: false: no Cookie parsing on every request; tokenOf parses it where a session is read.
    await app.register(cookie, { hook: false });
    app.decorateRequest('auth', null);

    /** 401 without a token or a live session; else the session's user, as stored now. */
    const authenticate = async (request: FastifyRequest): Promise<Authenticated> => {
      const token = tokenOf(request, cookieName);
      if (token === null) {
        throw new UnauthenticatedError();
      }
      request.auth = await opts.auth.authenticate(token);
      return request.auth;
    };

    // authenticate itself, not an async wrapper around it: one promise less on every signed-in request.
    app.decorate('requireAuth', authenticate);

    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      // The role as stored now, read with the session: a revoked admin loses access at once.
      if ((await authenticate(request)).user.role !== 'admin') {
        throw new ForbiddenError(MESSAGES.adminOnly);
      }
    });

    app.decorate('optionalAuth', async (request: FastifyRequest) => {
      const token = tokenOf(request, cookieName);
      if (token) {
        request.auth = await opts.auth.authenticate(token).catch(() => null);
      }
    });

    app.decorate('setSessionCookie', (reply: FastifyReply, token: string, expiresAt: Date) => {
      void reply.setCookie(cookieName, token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: opts.secure,
        expires: expiresAt,
      });
    });

    app.decorate('clearSessionCookie', (reply: FastifyReply) => {
      void reply.clearCookie(cookieName, { httpOnly: true, sameSite: 'lax', path: '/', secure: opts.secure });
    });
  },
  { name: 'auth' },
);
