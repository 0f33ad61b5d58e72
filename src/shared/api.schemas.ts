import { z } from 'zod';

/** Shapes every part of the API shares: the error envelope, an empty answer, the health check. */

/** The JSON error body of every failed API request: `{"error": {code, message, details}}`. */
export const errorBodySchema = z.object({
  error: z.object({
    /** Stable machine-readable code (`invalid_input`, `conflict`, `rate_limited` ...). */
    code: z.string(),
    /** Plain words for people. */
    message: z.string(),
    /** For validation errors: `{fields: {fieldName: message}}`; for limits: `{retryAfterSeconds}`. */
    details: z.unknown().optional(),
    /** On a 500: the request id, so a user's report can be found in the server log. */
    requestId: z.string().optional(),
  }),
});

/** The JSON error body of every failed API request. */
export type ApiErrorBody = z.infer<typeof errorBodySchema>;

/** GET /api/health: the store answers. */
export const healthResponseSchema = z.object({ status: z.literal('ok') });

/** A 204 answer: no body. */
export const noContentSchema = z.null();
