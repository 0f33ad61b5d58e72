import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf } from '../plugins/auth.plugin.js';
import type { PreferencesService } from '../services/preferences.service.js';
import { preferencesSchema, preferencesUpdateSchema } from '../../shared/preferences.schemas.js';
import { AUTHENTICATED, errorResponses, noStore } from './schemas.js';

/** /api/profile/preferences: the choices the web app remembers for the user (Test and fix). */
export const preferencesRoutes: FastifyPluginAsyncZod<{ preferences: PreferencesService }> = async (
  app,
  { preferences },
) => {
  app.addHook('preHandler', app.requireAuth);
  noStore(app);

  app.get(
    '/profile/preferences',
    {
      schema: {
        tags: ['profile'],
        summary: 'The choices the web app remembers for me (Test and fix and its rounds)',
        security: AUTHENTICATED,
        response: { 200: preferencesSchema, ...errorResponses(401) },
      },
    },
    async (request) => preferences.get(authOf(request).user.id),
  );

  app.patch(
    '/profile/preferences',
    {
      schema: {
        tags: ['profile'],
        summary: 'Change the choices the web app remembers for me; only those sent change',
        security: AUTHENTICATED,
        body: preferencesUpdateSchema,
        response: { 200: preferencesSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => preferences.update(authOf(request).user.id, request.body),
  );
};
