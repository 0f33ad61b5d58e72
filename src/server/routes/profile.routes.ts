import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authOf, clientInfo } from '../plugins/auth.plugin.js';
import type { ProfileService } from '../services/profile.service.js';
import { userSchema } from '../../shared/auth.schemas.js';
import {
  deleteAccountSchema,
  passwordChangeSchema,
  profileUpdateSchema,
} from '../../shared/history.schemas.js';
import { AUTHENTICATED, errorResponses } from './schemas.js';

const profileSchema = z.object({
  user: userSchema,
  stats: z.object({
    generations: z.number(),
    explanations: z.number(),
    byModel: z.array(z.object({ modelId: z.string(), count: z.number(), completionTokens: z.number() })),
    last30Days: z.array(z.object({ date: z.string(), count: z.number() })),
  }),
  recentActivity: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      createdAt: z.string(),
      ip: z.string().nullable(),
      browser: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
});

const sessionSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  ip: z.string().nullable(),
  browser: z.string(),
  current: z.boolean(),
});

/** /api/profile: the account, usage, sessions, password change, account deletion. */
export const profileRoutes: FastifyPluginAsyncZod<{ profile: ProfileService }> = async (app, { profile }) => {
  app.addHook('preHandler', app.requireAuth);
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
  });

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
        response: { 200: z.object({ user: userSchema }), ...errorResponses(400, 401, 409) },
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
        response: { 200: z.object({ sessionsRevoked: z.number() }), ...errorResponses(400, 401) },
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
        response: { 200: z.array(sessionSchema), ...errorResponses(401) },
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
        params: z.object({ id: z.uuid('Not a valid id.') }),
        response: { 204: z.null(), ...errorResponses(401, 404) },
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
        response: { 204: z.null(), ...errorResponses(400, 401) },
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
