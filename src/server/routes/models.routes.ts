import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModelRegistry } from '../models/model-registry.js';
import { AUTHENTICATED, errorResponses } from './schemas.js';

const listingSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  provider: z.enum(['local', 'openai-compatible']),
  promptStyle: z.enum(['chat', 'completion']),
  status: z.enum(['ready', 'not-downloaded', 'downloading', 'unavailable']),
  progress: z.object({ receivedBytes: z.number(), totalBytes: z.number().nullable() }).optional(),
  reason: z.string().optional(),
  contextLength: z.number().nullable(),
  defaults: z.object({ temperature: z.number(), maxTokens: z.number(), topP: z.number() }),
  isDefault: z.boolean(),
  downloadSize: z.number().nullable(),
});

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
        response: { 200: z.array(listingSchema), ...errorResponses(401) },
      },
    },
    async () => models.list(),
  );
};
