import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthResponseSchema } from '../../shared/api.schemas.js';
import { StoreHealth } from '../services/store-health.service.js';
import type { Store } from '../store/store.port.js';
import type { TunnelState } from '../../shared/api.schemas.js';
import { errorResponses } from './schemas.js';
import { keepAnswer } from '../kept-answer.js';

/** The usual answer, one object written once (keepAnswer): health is the most frequent request. */
const OK = keepAnswer({ status: 'ok' as const });

/**
 * GET /api/health: 200 `{status: "ok"}` once the store answers and can take
 * a write; 200 `{status: "degraded", store: {code, message}}` when it answers
 * but cannot write now (locked, full or read-only disk); 503 when it does
 * not answer. With a public link configured, `tunnel` is its state.
 */
export const healthRoutes: FastifyPluginAsyncZod<{
  store: Store;
  /** The public link (NGROK_AUTHTOKEN); undefined when none is configured. */
  tunnel?: { state(): TunnelState } | undefined;
}> = async (app, { store, tunnel }) => {
  const health = new StoreHealth(store);
  app.get(
    '/health',
    {
      compress: false,
      schema: {
        tags: ['system'],
        summary: 'Liveness, store reachability and whether it can take writes',
        response: { 200: healthResponseSchema, ...errorResponses(503) },
      },
    },
    async () => {
      await store.ping();
      const condition = await health.condition();
      if (!condition && tunnel === undefined) {
        return OK;
      }
      const link = tunnel === undefined ? {} : { tunnel: tunnel.state() };
      return condition
        ? { status: 'degraded' as const, store: condition, ...link }
        : { status: 'ok' as const, ...link };
    },
  );
};
