import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GenerationRun } from '../services/generation.service.js';
import type { GenerationResult } from '../../shared/generation.schemas.js';

/** Whether the client asked for a server-sent event stream. */
function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

const HEARTBEAT_MS = 15_000;

/**
 * Streams a run as server-sent events: `event: start`, `event: token` per
 * piece, then `event: done` or `event: error`. Closing the connection aborts
 * the run at once. Resolves to the (hijacked) reply once the stream has ended.
 */
async function sendEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  run: GenerationRun,
): Promise<FastifyReply> {
  reply.hijack();
  const res = reply.raw;
  // Keep the security headers Helmet and the routes already set.
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const state = { open: true };
  res.on('close', () => {
    if (state.open) {
      state.open = false;
      request.log.info({ generationId: run.id }, 'client disconnected: stopping generation');
      run.abort();
    }
  });
  // The client may have gone while the run was being set up, before the
  // listener above existed: then stop at once rather than decode for nobody.
  if (res.destroyed || request.raw.socket.destroyed) {
    state.open = false;
    run.abort();
  }
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  try {
    for await (const e of run.events) {
      if (!state.open) {
        break;
      }
      res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
    }
  } finally {
    clearInterval(heartbeat);
    state.open = false;
    res.end();
  }
  return reply;
}

/** Answers with the run as an event stream when the client asked for one, else as one JSON result. */
export function answerRun(
  request: FastifyRequest,
  reply: FastifyReply,
  run: GenerationRun,
): Promise<FastifyReply | GenerationResult> {
  return wantsEventStream(request)
    ? sendEventStream(request, reply, run)
    : collectResult(request, reply, run);
}

/** Collects a run into its final result; a failure is rethrown as the typed error behind it. */
async function collectResult(
  request: FastifyRequest,
  reply: FastifyReply,
  run: GenerationRun,
): Promise<GenerationResult> {
  // The response's close, not the request's: the request stream closes as
  // soon as its body has been read.
  const onClose = () => {
    if (!reply.raw.writableEnded) {
      run.abort();
    }
  };
  reply.raw.on('close', onClose);
  if (request.raw.socket.destroyed) {
    run.abort();
  }
  try {
    for await (const e of run.events) {
      if (e.event === 'done') {
        return e.data;
      }
      if (e.event === 'error') {
        const failure = run.failure();
        throw failure instanceof Error ? failure : new Error(e.data.message);
      }
    }
    throw new Error('The generation ended without an answer.');
  } finally {
    reply.raw.off('close', onClose);
  }
}
