import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthResponseSchema } from '../../shared/api.schemas.js';
import { StoreHealth } from '../services/store-health.service.js';
import type { Store } from '../store/store.port.js';
import { errorResponses } from './schemas.js';

/**
 * GET /api/health: 200 `{status: "ok"}` once the store answers and can take
 * a write; 200 `{status: "degraded", store: {code, message}}` when it answers
 * but cannot write now (locked, full or read-only disk); 503 when it does
 * not answer.
 */
export const healthRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  const health = new StoreHealth(store);
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness, store reachability and whether it can take writes',
        response: { 200: healthResponseSchema, ...errorResponses(503) },
      },
    },
    async () => {
      await store.ping();
      const condition = await health.condition();
      return condition ? { status: 'degraded' as const, store: condition } : { status: 'ok' as const };
    },
  );
};
