import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf, clientInfo } from '../plugins/auth.plugin.js';
import type { AdminService } from '../services/admin.service.js';
import {
  adminSettingsPatchSchema,
  adminSettingsSchema,
  adminSignOutSchema,
  adminUserEnvelopeSchema,
  adminUserPageSchema,
  adminUserParamsSchema,
  adminUsersQuerySchema,
  invitationBodySchema,
  oneTimeLinkSchema,
} from '../../shared/admin.schemas.js';
import { noContentSchema } from '../../shared/api.schemas.js';
import { AUTHENTICATED, errorResponses, noStore } from './schemas.js';

export interface AdminRoutesOptions {
  admin: AdminService;
}

const USER_ACTION = {
  tags: ['admin'],
  security: AUTHENTICATED,
  params: adminUserParamsSchema,
} as const;

/**
 * /api/admin/users, /api/admin/invitations, /api/admin/settings (admins
 * only: 401 signed out, 403 for other users).
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminRoutesOptions> = async (app, { admin }) => {
  app.addHook('preHandler', app.requireAdmin);
  noStore(app);

  app.get(
    '/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Accounts, newest first: search (username, email, display name), status filter, cursor paging',
        security: AUTHENTICATED,
        querystring: adminUsersQuerySchema,
        response: { 200: adminUserPageSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => admin.listUsers(request.query),
  );

  // The three status changes share their shape: the account after the change, or 404 (409: the last admin).
  const statusActions = [
    { action: 'approve', summary: 'Approve a pending account: it can sign in', errors: [401, 403, 404] },
    {
      action: 'disable',
      summary: 'Disable an account: it cannot sign in and every session of it ends now',
      errors: [401, 403, 404, 409],
    },
    { action: 'enable', summary: 'Enable a disabled account', errors: [401, 403, 404] },
  ] as const;
  for (const { action, summary, errors } of statusActions) {
    app.post(
      `/admin/users/:id/${action}`,
      {
        schema: {
          ...USER_ACTION,
          summary,
          response: { 200: adminUserEnvelopeSchema, ...errorResponses(...errors) },
        },
      },
      async (request) => ({
        user: await admin[action](authOf(request), request.params.id, clientInfo(request)),
      }),
    );
  }

  app.post(
    '/admin/users/:id/sign-out',
    {
      schema: {
        ...USER_ACTION,
        summary: 'End every session of an account',
        response: { 200: adminSignOutSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => admin.signOut(authOf(request), request.params.id, clientInfo(request)),
  );

  app.post(
    '/admin/users/:id/reset-link',
    {
      schema: {
        ...USER_ACTION,
        summary: 'A one-time password-reset link for an account without mail',
        response: { 200: oneTimeLinkSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => admin.resetLink(authOf(request), request.params.id, clientInfo(request)),
  );

  app.delete(
    '/admin/users/:id',
    {
      schema: {
        ...USER_ACTION,
        summary: 'Delete an account with all its data',
        response: { 204: noContentSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await admin.deleteUser(authOf(request), request.params.id, clientInfo(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/admin/invitations',
    {
      schema: {
        tags: ['admin'],
        summary: 'A single-use invitation link to register (INVITATION_TTL_DAYS unless expiresInDays)',
        security: AUTHENTICATED,
        body: invitationBodySchema,
        response: { 201: oneTimeLinkSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const link = await admin.invite(authOf(request), request.body?.expiresInDays, clientInfo(request));
      return reply.status(201).send(link);
    },
  );

  app.get(
    '/admin/settings',
    {
      schema: {
        tags: ['admin'],
        summary: 'The registration mode and allowed email domains in force',
        security: AUTHENTICATED,
        response: { 200: adminSettingsSchema, ...errorResponses(401, 403) },
      },
    },
    async () => admin.settings(),
  );

  app.patch(
    '/admin/settings',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Change the registration mode and/or the allowed email domains (stored; wins over the environment)',
        security: AUTHENTICATED,
        body: adminSettingsPatchSchema,
        response: { 200: adminSettingsSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => admin.updateSettings(authOf(request), request.body, clientInfo(request)),
  );
};
