import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf, clientInfo } from '../plugins/auth.plugin.js';
import type { AuthService } from '../services/auth.service.js';
import type { RegistrationPolicy } from '../services/registration-policy.js';
import { registrationInfoSchema } from '../../shared/admin.schemas.js';
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
  /** Registration under the mode in force (REGISTRATION or an admin's setting). */
  registration: RegistrationPolicy;
}

/** /api/auth: register, login, logout, me. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { auth, registration }) => {
  noStore(app);

  app.get(
    '/registration',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Who may register now: the mode in force, whether an invitation is needed, allowed email domains',
        response: { 200: registrationInfoSchema },
      },
    },
    async () => registration.info(),
  );

  app.post(
    '/register',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Create an account (`status: pending` when registration needs approval); 403 registration_closed, invitation_required or email_domain_not_allowed, 400 invalid_invitation',
        body: registerBodySchema,
        response: { 201: userEnvelopeSchema, ...errorResponses(400, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const user = await registration.register(request.body, clientInfo(request));
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
        response: { 200: loginResponseSchema, ...errorResponses(400, 401, 403, 413, 415, 429) },
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
      compress: false,
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
