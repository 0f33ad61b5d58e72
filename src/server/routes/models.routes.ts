import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { modelListSchema } from '../../shared/models.schemas.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { AUTHENTICATED, errorResponses } from './schemas.js';

/** GET /api/models: the catalogue with each model's live status. */
export const modelsRoutes: FastifyPluginAsyncZod<{ models: ModelRegistry }> = async (app, { models }) => {
  app.get(
    '/models',
    {
      preHandler: app.requireAuth,
      schema: {
        tags: ['models'],
        summary:
          'The code models and their status (ready, not-downloaded, downloading with progress, unavailable)',
        security: AUTHENTICATED,
        response: { 200: modelListSchema, ...errorResponses(401) },
      },
    },
    async () => models.list(),
  );
};
