import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf, clientInfo } from '../plugins/auth.plugin.js';
import type { AuthService } from '../services/auth.service.js';
import { noContentSchema } from '../../shared/api.schemas.js';
import {
  loginBodySchema,
  loginResponseSchema,
  registerBodySchema,
  userEnvelopeSchema,
} from '../../shared/auth.schemas.js';
import { AUTHENTICATED, errorResponses, noStore } from './schemas.js';

export interface AuthRoutesOptions {
  auth: AuthService;
}

/** /api/auth: register, login, logout, me. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { auth }) => {
  noStore(app);

  app.post(
    '/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        body: registerBodySchema,
        response: { 201: userEnvelopeSchema, ...errorResponses(400, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const user = await auth.register(request.body, clientInfo(request));
      return reply.status(201).send({ user });
    },
  );

  app.post(
    '/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in; returns a bearer token and sets the session cookie',
        body: loginBodySchema,
        response: { 200: loginResponseSchema, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const result = await auth.login(request.body, clientInfo(request));
      app.setSessionCookie(reply, result.accessToken, result.expiresAt);
      return {
        accessToken: result.accessToken,
        tokenType: 'Bearer' as const,
        expiresIn: result.expiresIn,
        user: result.user,
      };
    },
  );

  app.post(
    '/logout',
    {
      preHandler: app.optionalAuth,
      schema: {
        tags: ['auth'],
        summary: 'Sign out: the session can no longer be used',
        response: { 204: noContentSchema.describe('Signed out'), ...errorResponses(403) },
      },
    },
    async (request, reply) => {
      if (request.auth) {
        await auth.logout(request.auth, clientInfo(request));
      }
      app.clearSessionCookie(reply);
      void reply.header('clear-site-data', '"cookies", "storage"');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      preHandler: app.requireAuth,
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        security: AUTHENTICATED,
        response: { 200: userEnvelopeSchema, ...errorResponses(401) },
      },
    },
    async (request) => ({ user: authOf(request).user }),
  );
};
