import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf } from '../plugins/auth.plugin.js';
import type { ThreadService } from '../services/thread.service.js';
import { noContentSchema } from '../../shared/api.schemas.js';
import {
  threadIdParamsSchema,
  threadPageSchema,
  threadSchema,
  threadsQuerySchema,
} from '../../shared/threads.schemas.js';
import { AUTHENTICATED, errorResponses, noStore } from './schemas.js';

/** /api/threads: list threads; read or delete a whole thread (every turn, every version). */
export const threadsRoutes: FastifyPluginAsyncZod<{ threads: ThreadService }> = async (app, { threads }) => {
  app.addHook('preHandler', app.requireAuth);
  noStore(app);

  app.get(
    '/threads',
    {
      schema: {
        tags: ['history'],
        summary:
          'My threads, most recently updated first, with turn count and latest status, search and filters',
        description:
          'The filters of GET /api/history; a thread is listed when one of its turns meets them all, and `q` ' +
          'searches every turn. Cursor paging as in GET /api/history.',
        security: AUTHENTICATED,
        querystring: threadsQuerySchema,
        response: { 200: threadPageSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => threads.list(authOf(request).user.id, request.query),
  );

  app.get(
    '/threads/:id',
    {
      schema: {
        tags: ['history'],
        summary:
          'A thread of mine with every turn and every version, oldest first (the client builds the tree)',
        description:
          'Each turn has `parentId`, the turn it follows (null for the first position); turns with the same ' +
          'parent are versions of one position. Continue a thread with `threadId` (and `parentId`) in ' +
          'POST /api/generate or /api/explain.',
        security: AUTHENTICATED,
        params: threadIdParamsSchema,
        response: { 200: threadSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => threads.get(authOf(request).user.id, request.params.id),
  );

  app.delete(
    '/threads/:id',
    {
      schema: {
        tags: ['history'],
        summary: 'Delete a thread of mine and all its turns',
        security: AUTHENTICATED,
        params: threadIdParamsSchema,
        response: { 204: noContentSchema, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await threads.delete(authOf(request).user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
