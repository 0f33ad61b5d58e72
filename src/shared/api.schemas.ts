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

/** How many items a page of a listing holds: 1 to 100, 20 unless asked. */
export const pageLimitSchema = z.coerce
  .number()
  .int()
  .min(1, 'Limit must be 1 to 100.')
  .max(100, 'Limit must be 1 to 100.')
  .default(20);

/** The JSON error body of every failed API request. */
export type ApiErrorBody = z.infer<typeof errorBodySchema>;

/** Why the store cannot take writes now: the error code a write would get, and its message. */
export const storeConditionSchema = z.object({
  code: z.enum(['store_busy', 'store_full', 'store_read_only']),
  message: z.string(),
});

/**
 * The public link (an ngrok tunnel, NGROK_AUTHTOKEN): `connecting` (at
 * start-up, or while ngrok reconnects a dropped session), `open` with its
 * https URL, `failed` with the reason (the app serves on its local address
 * only), `off` once closed.
 */
export const tunnelStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('off') }),
  z.object({ state: z.literal('connecting') }),
  z.object({ state: z.literal('open'), url: z.string() }),
  z.object({ state: z.literal('failed'), reason: z.string() }),
]);

/** The public link's state, as GET /api/health reports it. */
export type TunnelState = z.infer<typeof tunnelStateSchema>;

/**
 * GET /api/health: the store answers. `degraded` (still 200: reads work)
 * when a write cannot happen now, with `store` saying why; `store` is absent when ok.
 * `tunnel` is there only when a public link is configured (NGROK_AUTHTOKEN).
 */
export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  store: storeConditionSchema.optional(),
  tunnel: tunnelStateSchema.optional(),
});

/** A 204 answer: no body. */
export const noContentSchema = z.null();
