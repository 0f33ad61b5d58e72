import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authOf, clientInfo } from '../plugins/auth.plugin.js';
import type { GenerationService } from '../services/generation.service.js';
import {
  cancelParamsSchema,
  cancelResponseSchema,
  explainBodySchema,
  generateBodySchema,
  generationResultSchema,
  runEventsHeadersSchema,
} from '../../shared/generation.schemas.js';
import { answerRun, sendEventStream } from './sse.js';
import { AUTHENTICATED, errorResponses } from './schemas.js';

const STREAM_DOC =
  'With `Accept: text/event-stream` the answer is an SSE stream: `event: start` {id, modelId}, ' +
  '`event: token` {text} per piece, then `event: done` (the JSON below) or `event: error` {code, message}. ' +
  'Otherwise one JSON object equal to the `done` payload. Every event has an `id:`. Closing the connection ' +
  'leaves the run going (attach again at GET /api/generations/{id}/events) until it ends, is stopped, or has ' +
  'had nobody attached for RUN_DETACHED_GRACE_SECONDS; with `stopOnDisconnect: true` closing it stops the model.';

const EVENTS_DOC =
  'A run of yours as an SSE stream: every event written so far, then the rest live until `done` or `error`, ' +
  'each with an `id:`. Send `Last-Event-ID` to continue after that event. A finished run replays from its ' +
  'record: `start`, the whole answer as one `token`, then `done` (or `error` when it was stopped or failed). ' +
  'A run that another instance on the same store drives sends what is saved so far, then each saved addition, ' +
  'then its end, with the numbers that instance gave the same text (so Last-Event-ID continues at either).';

const CANCEL_DOC =
  'Answers 202 wherever the run is driven: a run of another instance on the same store is stopped by that ' +
  'instance within a second. 409 when the run has already finished.';

/** POST /api/generate, POST /api/explain, GET /api/generations/:id/events, POST /api/generations/:id/cancel. */
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
      return answerRun(request, reply, run, request.body.stopOnDisconnect === true);
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
      return answerRun(request, reply, run, request.body.stopOnDisconnect === true);
    },
  );

  app.get(
    '/generations/:id/events',
    {
      schema: {
        tags: ['generate'],
        summary: 'Attach to a run of your own: what it wrote so far, then the rest live',
        description: EVENTS_DOC,
        security: AUTHENTICATED,
        params: cancelParamsSchema,
        headers: runEventsHeadersSchema,
        response: errorResponses(400, 401, 404),
      },
    },
    async (request, reply) => {
      const after = Number(request.headers['last-event-id'] ?? '0');
      const reader = await generation.attach(authOf(request).user.id, request.params.id, after);
      return sendEventStream(request, reply, reader);
    },
  );

  app.post(
    '/generations/:id/cancel',
    {
      schema: {
        tags: ['generate'],
        summary: 'Stop a running generation of your own; its partial output is kept',
        description: CANCEL_DOC,
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
