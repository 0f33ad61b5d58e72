import { z } from 'zod';

/** The error envelope every failed request answers with. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** Response schemas for the given error statuses, for OpenAPI. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorBodySchema])) as Record<S, typeof errorBodySchema>;
}

/** OpenAPI security of routes that need a session: a bearer token or the session cookie. */
export const AUTHENTICATED: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
