import type { Logger } from '../../logger.js';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { OpenAiModelEntry } from '../catalogue.js';
import { ProviderError } from '../model-errors.js';
import type { Chunk, ModelInput } from '../provider.port.js';

type InputStyle = ModelInput['style'];
import { RetryableFailure, type OpenAiTimeouts, type UpstreamAttempt } from './openai-attempt.js';
import { isRecord, userMessage } from './openai-upstream.js';

/**
 * Guards memory against a server that never ends a line or an event: no
 * real chunk comes near this.
 */
const MAX_SSE_BUFFER_CHARS = 1024 * 1024;

/** What the server reported about the stream besides the tokens. */
export interface StreamSummary {
  /** Non-empty text pieces yielded. */
  tokens: number;
  /** From the usage chunk (`stream_options.include_usage`), when the server sent one. */
  promptTokens: number | undefined;
  completionTokens: number | undefined;
}

export interface StreamContext {
  model: OpenAiModelEntry;
  style: InputStyle;
  attempt: UpstreamAttempt;
  timeouts: OpenAiTimeouts;
  /** The API key, only to remove it from upstream messages. */
  apiKey: string | undefined;
  log: Logger;
}

/** One chat.completion.chunk / text_completion chunk, reduced to what we use. */
interface StreamChunk {
  text: string;
  finished: boolean;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
}

/**
 * Reads an SSE response of /chat/completions or /completions and yields
 * each non-empty text piece as a token chunk as it arrives. Returns the usage the server
 * reported. The first-token and idle timeouts run only while waiting for
 * the server, never while the consumer handles a token.
 *
 * Throws RetryableFailure if the connection drops before the first token,
 * ProviderError "lost mid-answer" if it drops after, ProviderError when
 * nothing usable arrived, and the attempt's timeout or abort error.
 */
export async function* readCompletionStream(
  body: ReadableStream<Uint8Array>,
  ctx: StreamContext,
): AsyncGenerator<Chunk, StreamSummary> {
  const { model, attempt, timeouts, log } = ctx;
  const events: EventSourceMessage[] = [];
  // An object, so the check below sees what the parser callback sets.
  const guard = { overflow: false };
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') {
        guard.overflow = true;
      } else {
        log.debug({ modelId: model.id, reason: error.type }, 'model stream: ignored SSE line');
      }
    },
    maxBufferSize: MAX_SSE_BUFFER_CHARS,
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();

  const summary: StreamSummary = { tokens: 0, promptTokens: undefined, completionTokens: undefined };
  const firstTokenDeadline = performance.now() + timeouts.firstTokenMs;
  let idleDeadline = 0;
  let usableChunks = 0;
  let skippedChunks = 0;
  let finished = false;
  let sawDone = false;

  while (!sawDone) {
    const stopped = attempt.stoppedError(model, timeouts);
    if (stopped !== undefined) {
      throw stopped;
    }
    if (summary.tokens === 0) {
      attempt.arm('first-token', firstTokenDeadline - performance.now());
    } else {
      attempt.arm('idle', idleDeadline - performance.now());
    }
    let result: Awaited<ReturnType<typeof reader.read>>;
    try {
      result = await reader.read();
    } catch (error) {
      throw attempt.stoppedError(model, timeouts) ?? connectionLost(model, summary.tokens, error);
    } finally {
      attempt.disarm();
    }
    if (result.done) {
      parser.feed(decoder.decode());
      parser.reset({ consume: true });
    } else {
      parser.feed(decoder.decode(result.value, { stream: true }));
    }
    if (guard.overflow) {
      throw new ProviderError(`${model.name} sent a stream event larger than 1 MB; the answer was stopped.`);
    }

    let yielded = false;
    for (const event of events.splice(0)) {
      if (event.data.trim() === '[DONE]') {
        sawDone = true;
        break;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        skippedChunks += 1;
        // The content may be part of the user's answer: log its size only.
        log.warn(
          { modelId: model.id, chars: event.data.length },
          'model stream: skipped a chunk that is not JSON',
        );
        continue;
      }
      const error = streamError(event, parsed, ctx.apiKey);
      if (error !== undefined) {
        throw new ProviderError(`The model server for ${model.name} reported an error: ${error}`);
      }
      const chunk = readChunk(parsed, ctx.style);
      if (chunk === undefined) {
        skippedChunks += 1;
        log.warn({ modelId: model.id }, 'model stream: skipped a chunk without choices or usage');
        continue;
      }
      usableChunks += 1;
      finished ||= chunk.finished;
      summary.promptTokens = chunk.promptTokens ?? summary.promptTokens;
      summary.completionTokens = chunk.completionTokens ?? summary.completionTokens;
      if (chunk.text.length > 0) {
        summary.tokens += 1;
        yielded = true;
        yield { type: 'token', text: chunk.text };
      }
    }
    if (yielded) {
      // Counted from when we are ready for more, so a slow consumer is not blamed on the server.
      idleDeadline = performance.now() + timeouts.idleMs;
    }
    if (result.done) {
      break;
    }
  }

  if (sawDone) {
    // Let the connection go back to the pool if the body is complete; closes it otherwise.
    await reader.cancel().catch(() => undefined);
  }
  if (usableChunks === 0) {
    throw new ProviderError(
      `${model.name} sent no usable answer` +
        (skippedChunks > 0 ? ` (${skippedChunks} unreadable chunks).` : ' (empty stream).'),
    );
  }
  if (!sawDone && !finished) {
    // The body ended cleanly but the server never said the answer was complete.
    throw connectionLost(model, summary.tokens, undefined);
  }
  return summary;
}

/**
 * A connection that failed while streaming: retryable before the first
 * token (nothing reached the user yet), final after it.
 */
function connectionLost(model: OpenAiModelEntry, tokens: number, error: unknown): Error {
  if (tokens > 0) {
    return new ProviderError(`The connection to ${model.name} was lost mid-answer.`);
  }
  const code = errorCode(error);
  return new RetryableFailure(
    `connection lost before the first token${code === undefined ? '' : ` (${code})`}`,
    new ProviderError(`The connection to ${model.name} was lost before it answered.`),
  );
}

/** The system error code of a fetch failure (fetch wraps it in `cause`). */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) {
    return undefined;
  }
  const cause: unknown = error.cause;
  if (isRecord(cause) && typeof cause.code === 'string') {
    return cause.code;
  }
  return undefined;
}

/** An error the server put in the stream itself (vLLM, TGI, llama.cpp do this). */
function streamError(
  event: EventSourceMessage,
  parsed: unknown,
  apiKey: string | undefined,
): string | undefined {
  if (event.event === 'error' || (isRecord(parsed) && parsed.error !== undefined && parsed.error !== null)) {
    return userMessage(event.data, apiKey) || 'unknown error';
  }
  return undefined;
}

function readChunk(parsed: unknown, style: InputStyle): StreamChunk | undefined {
  if (!isRecord(parsed)) {
    return undefined;
  }
  const usage = isRecord(parsed.usage) ? parsed.usage : undefined;
  const choices = Array.isArray(parsed.choices) ? (parsed.choices as unknown[]) : undefined;
  if (choices === undefined && usage === undefined) {
    return undefined;
  }
  const choice: unknown = choices?.[0];
  let text = '';
  let finished = false;
  if (isRecord(choice)) {
    const delta = isRecord(choice.delta) ? choice.delta : undefined;
    // Chat servers send delta.content, completion servers text; a few mix them up, so take either.
    const chatText = delta?.content;
    const completionText = choice.text;
    const [preferred, other] = style === 'chat' ? [chatText, completionText] : [completionText, chatText];
    text = typeof preferred === 'string' ? preferred : typeof other === 'string' ? other : '';
    finished = typeof choice.finish_reason === 'string' && choice.finish_reason.length > 0;
  }
  return {
    text,
    finished,
    promptTokens: count(usage?.prompt_tokens),
    completionTokens: count(usage?.completion_tokens),
  };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
