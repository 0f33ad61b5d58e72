import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf } from '../plugins/auth.plugin.js';
import type { HistoryService } from '../services/history.service.js';
import { noContentSchema } from '../../shared/api.schemas.js';
import {
  deleteAllHistoryBodySchema,
  deleteAllHistoryResponseSchema,
  historyExportQuerySchema,
  historyIdParamsSchema,
  historyPageSchema,
  historyQuerySchema,
  historyRecordSchema,
} from '../../shared/history.schemas.js';
import { AUTHENTICATED, errorResponses, noStore } from './schemas.js';

/** /api/history: list, search, read, delete and export what the user asked. */
export const historyRoutes: FastifyPluginAsyncZod<{ history: HistoryService }> = async (app, { history }) => {
  app.addHook('preHandler', app.requireAuth);
  noStore(app);

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
        querystring: historyExportQuerySchema,
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
        params: historyIdParamsSchema,
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
        params: historyIdParamsSchema,
        response: { 204: noContentSchema, ...errorResponses(401, 404) },
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
        body: deleteAllHistoryBodySchema,
        response: { 200: deleteAllHistoryResponseSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => ({ deleted: await history.deleteAll(authOf(request).user.id) }),
  );
};
