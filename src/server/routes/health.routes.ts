import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthResponseSchema } from '../../shared/api.schemas.js';
import type { Store } from '../store/store.port.js';
import { errorResponses } from './schemas.js';

/** GET /api/health: 200 once the store answers, 503 otherwise. */
export const healthRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and store reachability',
        response: { 200: healthResponseSchema, ...errorResponses(503) },
      },
    },
    async () => {
      await store.ping();
      return { status: 'ok' as const };
    },
  );
};
