import type { FastifyInstance } from 'fastify';
import { errorBodySchema } from '../../shared/api.schemas.js';

/** Response schemas for the given error statuses, for OpenAPI. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorBodySchema])) as Record<S, typeof errorBodySchema>;
}

/** OpenAPI security of routes that need a session: a bearer token or the session cookie. */
export const AUTHENTICATED: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];

/** Answers of these routes carry credentials or personal data: no cache may keep them. */
export function noStore(app: FastifyInstance): void {
  // Synchronous: an async hook costs a promise on every answer of these routes.
  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
