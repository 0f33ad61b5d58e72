import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf, clientInfo } from '../plugins/auth.plugin.js';
import type { ProfileService } from '../services/profile.service.js';
import { noContentSchema } from '../../shared/api.schemas.js';
import { userEnvelopeSchema } from '../../shared/auth.schemas.js';
import {
  deleteAccountSchema,
  passwordChangedSchema,
  passwordChangeSchema,
  profileSchema,
  profileUpdateSchema,
  sessionListSchema,
  sessionParamsSchema,
} from '../../shared/profile.schemas.js';
import { AUTHENTICATED, errorResponses, noStore } from './schemas.js';

/** /api/profile: the account, usage, sessions, password change, account deletion. */
export const profileRoutes: FastifyPluginAsyncZod<{ profile: ProfileService }> = async (app, { profile }) => {
  app.addHook('preHandler', app.requireAuth);
  noStore(app);

  app.get(
    '/profile',
    {
      schema: {
        tags: ['profile'],
        summary: 'My account, usage figures and recent activity',
        security: AUTHENTICATED,
        response: { 200: profileSchema, ...errorResponses(401) },
      },
    },
    async (request) => profile.get(authOf(request).user.id),
  );

  app.patch(
    '/profile',
    {
      schema: {
        tags: ['profile'],
        summary: 'Change my display name, or my email (with my current password)',
        security: AUTHENTICATED,
        body: profileUpdateSchema,
        response: { 200: userEnvelopeSchema, ...errorResponses(400, 401, 409, 429) },
      },
    },
    async (request) => ({
      user: await profile.update(authOf(request), request.body, clientInfo(request)),
    }),
  );

  app.post(
    '/profile/password',
    {
      schema: {
        tags: ['profile'],
        summary: 'Change my password; every other session is signed out',
        security: AUTHENTICATED,
        body: passwordChangeSchema,
        response: { 200: passwordChangedSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => profile.changePassword(authOf(request), request.body, clientInfo(request)),
  );

  app.get(
    '/profile/sessions',
    {
      schema: {
        tags: ['profile'],
        summary: 'My signed-in sessions',
        security: AUTHENTICATED,
        response: { 200: sessionListSchema, ...errorResponses(401) },
      },
    },
    async (request) => profile.sessions(authOf(request)),
  );

  app.delete(
    '/profile/sessions/:id',
    {
      schema: {
        tags: ['profile'],
        summary: 'Sign one of my sessions out',
        security: AUTHENTICATED,
        params: sessionParamsSchema,
        response: { 204: noContentSchema, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      await profile.revokeSession(auth, request.params.id, clientInfo(request));
      if (request.params.id === auth.session.id) {
        app.clearSessionCookie(reply);
      }
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/profile',
    {
      schema: {
        tags: ['profile'],
        summary: 'Delete my account and all of its data (send my password)',
        security: AUTHENTICATED,
        body: deleteAccountSchema,
        response: { 204: noContentSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      await profile.deleteAccount(authOf(request), request.body.password, clientInfo(request));
      app.clearSessionCookie(reply);
      void reply.header('clear-site-data', '"cookies", "storage"');
      return reply.status(204).send(null);
    },
  );
};
