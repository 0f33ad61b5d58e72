import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf, clientInfo } from '../plugins/auth.plugin.js';
import type { GenerationService } from '../services/generation.service.js';
import {
  cancelParamsSchema,
  cancelResponseSchema,
  explainBodySchema,
  generateBodySchema,
  generationResultSchema,
} from '../../shared/generation.schemas.js';
import { answerRun } from './sse.js';
import { AUTHENTICATED, errorResponses } from './schemas.js';

const STREAM_DOC =
  'With `Accept: text/event-stream` the answer is an SSE stream: `event: start` {id, modelId}, ' +
  '`event: token` {text} per piece, then `event: done` (the JSON below) or `event: error` {code, message}. ' +
  'Otherwise one JSON object equal to the `done` payload. Closing the connection stops the model.';

/** POST /api/generate, POST /api/explain, POST /api/generations/:id/cancel. */
export const generateRoutes: FastifyPluginAsyncZod<{ generation: GenerationService }> = async (
  app,
  { generation },
) => {
  const errors = errorResponses(400, 401, 404, 409, 413, 415, 429, 502, 503, 504);
  app.addHook('preHandler', app.requireAuth);

  app.post(
    '/generate',
    {
      schema: {
        tags: ['generate'],
        summary: 'Write code from a plain-language prompt',
        description: STREAM_DOC,
        security: AUTHENTICATED,
        body: generateBodySchema,
        response: { 200: generationResultSchema, ...errors },
      },
    },
    async (request, reply) => {
      const run = await generation.startGenerate(authOf(request).user.id, request.body, clientInfo(request));
      return answerRun(request, reply, run);
    },
  );

  app.post(
    '/explain',
    {
      schema: {
        tags: ['generate'],
        summary: 'Explain code: an overview, or line by line as structured sections',
        description: STREAM_DOC,
        security: AUTHENTICATED,
        body: explainBodySchema,
        response: { 200: generationResultSchema, ...errors },
      },
    },
    async (request, reply) => {
      const run = await generation.startExplain(authOf(request).user.id, request.body, clientInfo(request));
      return answerRun(request, reply, run);
    },
  );

  app.post(
    '/generations/:id/cancel',
    {
      schema: {
        tags: ['generate'],
        summary: 'Stop a running generation of your own; its partial output is kept',
        security: AUTHENTICATED,
        params: cancelParamsSchema,
        response: { 202: cancelResponseSchema, ...errorResponses(401, 404, 409) },
      },
    },
    async (request, reply) => {
      await generation.cancel(authOf(request).user.id, request.params.id);
      return reply.status(202).send({ id: request.params.id, status: 'cancelling' as const });
    },
  );
};
