import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../errors.js';
import { MESSAGES } from '../../shared/messages.js';
import { authOf, clientInfo } from '../plugins/auth.plugin.js';
import type { AdminService } from '../services/admin.service.js';
import type { AdminModelsService } from '../services/admin-models.service.js';
import type { AdminUsageService } from '../services/admin-usage.service.js';
import {
  adminModelListSchema,
  adminModelParamsSchema,
  adminUsageSchema,
  catalogueReloadSchema,
} from '../../shared/admin-models.schemas.js';
import { AUTHENTICATED, errorResponses, noStore } from './schemas.js';
import { HEARTBEAT_MS, startEventStream } from './sse.js';

export interface AdminModelsRoutesOptions {
  adminModels: AdminModelsService;
  adminUsage: AdminUsageService;
  /** Records each admin action in the admin's activity log. */
  admin: Pick<AdminService, 'recordAction'>;
}

/**
 * /api/admin/models and /api/admin/usage (admins only): every model's real
 * status with hosts and URLs, catalogue reloads, pulling a local model with
 * live progress, and usage across users.
 */
export const adminModelsRoutes: FastifyPluginAsyncZod<AdminModelsRoutesOptions> = async (
  app,
  { adminModels, adminUsage, admin },
) => {
  app.addHook('preHandler', app.requireAdmin);
  const recordAction = (request: FastifyRequest, action: string, details: Record<string, string>) =>
    admin.recordAction(authOf(request).user.id, action, null, clientInfo(request), details);
  noStore(app);

  app.get(
    '/admin/models',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every model with its real status, server or download URL and last error (admins only)',
        security: AUTHENTICATED,
        response: { 200: adminModelListSchema, ...errorResponses(401, 403) },
      },
    },
    async () => adminModels.list(),
  );

  app.post(
    '/admin/models/reload',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Read the catalogue file again and use it from now on; 400 with every problem when it is invalid (the old one stays)',
        security: AUTHENTICATED,
        response: { 200: catalogueReloadSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const result = await adminModels.reload();
      await recordAction(request, 'catalogue_reloaded', {
        added: result.added.join(', '),
        removed: result.removed.join(', '),
        changed: result.changed.join(', '),
      });
      return result;
    },
  );

  app.post(
    '/admin/models/:id/pull',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Download a local model now: a server-sent event stream of `progress` events, then `done` or `error` (the download goes on if the client leaves)',
        security: AUTHENTICATED,
        params: adminModelParamsSchema,
        response: errorResponses(400, 401, 403, 404),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      // Unknown and remote models are refused with a plain JSON error before the stream opens.
      adminModels.checkPullable(id);
      await recordAction(request, 'model_pull_started', { modelId: id });
      const stream = openStream(request, reply);
      try {
        stream.send(
          'done',
          await adminModels.pull(id, (progress) => {
            stream.send('progress', progress);
          }),
        );
      } catch (error) {
        // As the one error handler does: a typed error says what happened; anything else is a
        // defect, logged in full and answered with the generic message and the request id.
        if (error instanceof AppError) {
          request.log.warn({ err: error, modelId: id }, 'admin model pull failed');
          stream.send('error', { code: error.code, message: error.message });
        } else {
          request.log.error({ err: error, modelId: id }, 'admin model pull failed unexpectedly');
          stream.send('error', { code: 'internal', message: MESSAGES.internal, requestId: request.id });
        }
      } finally {
        stream.end();
      }
      return reply;
    },
  );

  app.get(
    '/admin/usage',
    {
      schema: {
        tags: ['admin'],
        summary: 'Runs of every user per day over the last 30 days, by model and top users (admins only)',
        security: AUTHENTICATED,
        response: { 200: adminUsageSchema, ...errorResponses(401, 403) },
      },
    },
    async () => adminUsage.last30Days(),
  );
};

/** A plain server-sent event stream on the hijacked reply; events are dropped once the client has gone. */
function openStream(
  request: FastifyRequest,
  reply: FastifyReply,
): { send(event: string, data: unknown): void; end(): void } {
  const res = startEventStream(reply);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const open = (): boolean => !res.destroyed && !request.raw.socket.destroyed;
  return {
    send(event, data) {
      if (open()) {
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      }
    },
    end() {
      clearInterval(heartbeat);
      res.end();
    },
  };
}
