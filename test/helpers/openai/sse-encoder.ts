import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlannedAnswer } from './json-encoder.js';
import type { RecordedRequest } from './recorder.js';
import type { AnswerStep } from './script.js';

/** SSE lines a broken server might send: not JSON, cut-off JSON, JSON without choices. */
export const MALFORMED_SSE =
  'data: this is not json\n\ndata: {"choices": [{"delta": \n\ndata: {"unexpected": true}\n\n';

export interface StreamOptions {
  /** Aborted when the server shuts down: ends pending pauses. */
  shutdown: AbortSignal;
  /** The server's default pause between content chunks, in ms. */
  delayMs: number | undefined;
  /** Destroys the connection on purpose. */
  drop(): void;
}

/**
 * Streams an answer as OpenAI does with `stream: true`: `data:` events of
 * chat.completion.chunk (opened by the assistant role) or text_completion
 * objects, a finish chunk, the usage chunk when asked, then `[DONE]`,
 * with the step's pauses, stalls, drops and injected oddities.
 */
export async function streamAnswer(
  res: http.ServerResponse,
  record: RecordedRequest,
  step: AnswerStep,
  answer: PlannedAnswer,
  options: StreamOptions,
): Promise<void> {
  const { kind, chunks, base } = answer;
  const closed = AbortSignal.any([options.shutdown, abortOnClose(res)]);
  const pause = (ms: number): Promise<void> =>
    ms > 0 ? sleep(ms, undefined, { signal: closed }) : Promise.resolve();
  const write = (raw: string): Promise<void> =>
    new Promise((resolve, reject) => {
      res.write(raw, (error) => {
        if (error) {
          reject(error);
        } else {
          resolve();
        }
      });
    });
  const event = (payload: unknown): Promise<void> => write(`data: ${JSON.stringify(payload)}\n\n`);
  const choice = (content: string | null, finish: string | null, role?: string): unknown =>
    kind === 'chat'
      ? {
          index: 0,
          delta: { ...(role === undefined ? {} : { role }), ...(content === null ? {} : { content }) },
          finish_reason: finish,
        }
      : { index: 0, text: content ?? '', logprobs: null, finish_reason: finish };

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  if (kind === 'chat') {
    // OpenAI opens every chat stream with the role and empty content.
    await event({ ...base, choices: [choice('', null, 'assistant')] });
  }
  const inject = [
    ...(step.inject ?? []),
    ...(step.malformed === true ? [{ afterChunk: 1, raw: MALFORMED_SSE }] : []),
  ];
  for (const extra of inject.filter((x) => x.afterChunk === 0)) {
    await write(extra.raw);
  }
  for (const [i, piece] of chunks.entries()) {
    if (step.stallAfterChunks === i) {
      return;
    }
    if (step.holdAfterChunks?.chunks === i) {
      await step.holdAfterChunks.until;
    }
    if (step.dropAfterChunks === i) {
      options.drop();
      return;
    }
    await pause(i === 0 ? (step.firstTokenDelayMs ?? 0) : (step.delayMs ?? options.delayMs ?? 5));
    await event({ ...base, choices: [choice(piece, null)] });
    record.chunksSent += 1;
    for (const extra of inject.filter((x) => x.afterChunk === i + 1)) {
      await write(extra.raw);
    }
  }
  if (step.stallAfterChunks !== undefined && step.stallAfterChunks >= chunks.length) {
    return;
  }
  if (step.dropAfterChunks !== undefined && step.dropAfterChunks >= chunks.length) {
    options.drop();
    return;
  }
  await event({ ...base, choices: [choice(null, 'stop')] });
  if (answer.usage !== undefined && record.body.stream_options?.include_usage === true) {
    await event({ ...base, choices: [], usage: answer.usage });
  }
  if (step.done !== false) {
    await write('data: [DONE]\n\n');
  }
  res.end();
}

/** A signal aborted when the response closes (finished, or the client left). */
function abortOnClose(res: http.ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    controller.abort();
  });
  return controller.signal;
}
