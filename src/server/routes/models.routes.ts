import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { modelListingSchema } from '../../shared/models.schemas.js';
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
        response: { 200: z.array(modelListingSchema), ...errorResponses(401) },
      },
    },
    async () => models.list(),
  );
};
