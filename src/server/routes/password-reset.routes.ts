import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clientInfo } from '../plugins/auth.plugin.js';
import type { PasswordResetService } from '../services/password-reset.service.js';
import {
  forgotPasswordBodySchema,
  messageResponseSchema,
  resetPasswordBodySchema,
  resetTokenQuerySchema,
  resetTokenValidSchema,
} from '../../shared/auth.schemas.js';
import { MESSAGES } from '../../shared/messages.js';
import { errorResponses, noStore } from './schemas.js';

/** /api/auth: forgot-password, reset-password and its verify check. */
export const passwordResetRoutes: FastifyPluginAsyncZod<{ resets: PasswordResetService }> = async (
  app,
  { resets },
) => {
  noStore(app);

  app.post(
    '/forgot-password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Email a reset link (same answer whether or not the account exists)',
        body: forgotPasswordBodySchema,
        response: { 202: messageResponseSchema, ...errorResponses(400, 413, 415) },
      },
    },
    async (request, reply) => {
      // The lookup and writes wait until the answer is out: its timing cannot tell accounts apart.
      const answered = new Promise<void>((resolve) => {
        reply.raw.once('finish', resolve);
        reply.raw.once('close', resolve);
      });
      resets.requestReset(request.body.email, clientInfo(request), answered);
      return reply.status(202).send({ message: MESSAGES.resetRequested });
    },
  );

  app.get(
    '/reset-password/verify',
    {
      schema: {
        tags: ['auth'],
        summary: 'Whether a reset token is still valid',
        querystring: resetTokenQuerySchema,
        response: { 200: resetTokenValidSchema, ...errorResponses(400) },
      },
    },
    async (request) => {
      await resets.verify(request.query.token);
      return { valid: true as const };
    },
  );

  app.post(
    '/reset-password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a reset token; every session is signed out',
        body: resetPasswordBodySchema,
        response: { 200: messageResponseSchema, ...errorResponses(400, 413, 415) },
      },
    },
    async (request) => {
      await resets.reset(request.body.token, request.body.newPassword, clientInfo(request));
      return { message: MESSAGES.passwordReset };
    },
  );
};
