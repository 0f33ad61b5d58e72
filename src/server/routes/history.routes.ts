import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authOf } from '../plugins/auth.plugin.js';
import type { HistoryService } from '../services/history.service.js';
import { historyPageSchema, historyQuerySchema, historyRecordSchema } from '../../shared/history.schemas.js';
import { AUTHENTICATED, errorResponses } from './schemas.js';

const idParams = z.object({ id: z.uuid('Not a valid id.') });

/** /api/history: list, search, read, delete and export what the user asked. */
export const historyRoutes: FastifyPluginAsyncZod<{ history: HistoryService }> = async (app, { history }) => {
  app.addHook('preHandler', app.requireAuth);
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
  });

  app.get(
    '/history',
    {
      schema: {
        tags: ['history'],
        summary: 'My generations and explanations, newest first, with search, filters and cursor paging',
        security: AUTHENTICATED,
        querystring: historyQuerySchema,
        response: { 200: historyPageSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => history.list(authOf(request).user.id, request.query),
  );

  app.get(
    '/history/export',
    {
      schema: {
        tags: ['history'],
        summary: 'Download all of my history as JSON or Markdown',
        security: AUTHENTICATED,
        querystring: z.strictObject({ format: z.enum(['json', 'markdown']).default('json') }),
      },
    },
    async (request, reply) => {
      const user = authOf(request).user;
      const format = request.query.format;
      const day = new Date().toISOString().slice(0, 10);
      const extension = format === 'json' ? 'json' : 'md';
      void reply
        .type(format === 'json' ? 'application/json; charset=utf-8' : 'text/markdown; charset=utf-8')
        .header('content-disposition', `attachment; filename="codegenie-history-${day}.${extension}"`);
      return reply.send(Readable.from(history.export(user.id, user.username, format)));
    },
  );

  app.get(
    '/history/:id',
    {
      schema: {
        tags: ['history'],
        summary: 'One record in full',
        security: AUTHENTICATED,
        params: idParams,
        response: { 200: historyRecordSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => history.get(authOf(request).user.id, request.params.id),
  );

  app.delete(
    '/history/:id',
    {
      schema: {
        tags: ['history'],
        summary: 'Delete one record',
        security: AUTHENTICATED,
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await history.delete(authOf(request).user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/history',
    {
      schema: {
        tags: ['history'],
        summary: 'Delete all of my history (send {"confirm": true})',
        security: AUTHENTICATED,
        body: z.strictObject({
          confirm: z.literal(true, { error: 'Send {"confirm": true} to delete all of your history.' }),
        }),
        response: { 200: z.object({ deleted: z.number() }), ...errorResponses(400, 401) },
      },
    },
    async (request) => ({ deleted: await history.deleteAll(authOf(request).user.id) }),
  );
};
