import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientInfo } from '../plugins/auth.plugin.js';
import type { PasswordResetService } from '../services/password-reset.service.js';
import {
  forgotPasswordBodySchema,
  messageResponseSchema,
  resetPasswordBodySchema,
  resetTokenSchema,
} from '../../shared/auth.schemas.js';
import { MESSAGES } from '../../shared/messages.js';
import { errorResponses } from './schemas.js';

/** /api/auth: forgot-password, reset-password and its verify check. */
export const passwordResetRoutes: FastifyPluginAsyncZod<{ resets: PasswordResetService }> = async (
  app,
  { resets },
) => {
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
  });

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
      resets.requestReset(request.body.email, clientInfo(request));
      return reply.status(202).send({ message: MESSAGES.resetRequested });
    },
  );

  app.get(
    '/reset-password/verify',
    {
      schema: {
        tags: ['auth'],
        summary: 'Whether a reset token is still valid',
        querystring: z.strictObject({ token: resetTokenSchema }),
        response: { 200: z.object({ valid: z.literal(true) }), ...errorResponses(400) },
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
