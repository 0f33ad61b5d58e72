import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GenerationRun } from '../services/generation.service.js';
import type { RunReader } from '../services/run-registry.js';
import type { GenerationResult } from '../../shared/generation.schemas.js';

/** Whether the client asked for a server-sent event stream. */
function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

/** A comment line is written this often, so proxies and browsers keep an idle stream open. */
export const HEARTBEAT_MS = 15_000;

/**
 * Takes the reply over from Fastify and answers 200 as a server-sent event
 * stream; returns the raw response to write events to.
 */
export function startEventStream(reply: FastifyReply): FastifyReply['raw'] {
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
  return res;
}

/**
 * Writes a run's events as server-sent events, each with its number as
 * `id:` (what a client sends back as `Last-Event-ID` to continue), until the
 * run ends or the client goes. A client leaving detaches its reader and calls
 * `onDisconnect`; the run itself goes on unless that stops it. Resolves to
 * the (hijacked) reply once the stream has ended.
 */
export async function sendEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  reader: RunReader,
  onDisconnect: () => void = () => undefined,
): Promise<FastifyReply> {
  const res = startEventStream(reply);
  const state = { open: true };
  const leave = () => {
    if (state.open) {
      state.open = false;
      reader.close();
      onDisconnect();
    }
  };
  res.on('close', leave);
  // The client may have gone while the run was being set up, before the
  // listener above existed.
  if (res.destroyed || request.raw.socket.destroyed) {
    leave();
  }
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  try {
    for await (const { id, event: e } of reader) {
      if (!state.open) {
        break;
      }
      res.write(`id: ${id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
    }
  } finally {
    clearInterval(heartbeat);
    res.off('close', leave);
    state.open = false;
    reader.close();
    res.end();
  }
  return reply;
}

/**
 * Answers with the run as an event stream when the client asked for one,
 * else as one JSON result. A client that goes away detaches; with
 * `stopOnDisconnect` its run is stopped at once instead.
 */
export function answerRun(
  request: FastifyRequest,
  reply: FastifyReply,
  run: GenerationRun,
  stopOnDisconnect = false,
): Promise<FastifyReply | GenerationResult> {
  const onDisconnect = () => {
    if (stopOnDisconnect) {
      request.log.info({ generationId: run.id }, 'client disconnected: stopping generation');
      run.abort();
    } else {
      request.log.info({ generationId: run.id }, 'client disconnected: the generation goes on, detached');
    }
  };
  return wantsEventStream(request)
    ? sendEventStream(request, reply, run.read(0), onDisconnect)
    : collectResult(request, reply, run, onDisconnect);
}

/** Collects a run into its final result; a failure is rethrown as the typed error behind it. */
async function collectResult(
  request: FastifyRequest,
  reply: FastifyReply,
  run: GenerationRun,
  onDisconnect: () => void,
): Promise<GenerationResult | FastifyReply> {
  const reader = run.read(0);
  const client = { gone: false };
  // The response's close, not the request's: the request stream closes as
  // soon as its body has been read.
  const onClose = () => {
    if (!reply.raw.writableEnded) {
      client.gone = true;
      reader.close();
      onDisconnect();
    }
  };
  reply.raw.on('close', onClose);
  if (request.raw.socket.destroyed) {
    onClose();
  }
  try {
    for await (const { event: e } of reader) {
      if (e.event === 'done') {
        return e.data;
      }
      if (e.event === 'error') {
        const failure = run.failure();
        throw failure instanceof Error ? failure : new Error(e.data.message);
      }
    }
  } finally {
    reply.raw.off('close', onClose);
    reader.close();
  }
  if (client.gone) {
    // Nobody to answer: end quietly rather than log an error for a closed socket.
    reply.hijack();
    reply.raw.end();
    return reply;
  }
  throw new Error('The generation ended without an answer.');
}
