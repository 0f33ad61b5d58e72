import type { RecordedRequest } from './recorder.js';

/** The code in the default chat answer. */
export const DEFAULT_CODE = 'def add(a, b):\n    return a + b\n';

/** What /v1/chat/completions answers by default: prose around one fenced python block. */
export const DEFAULT_CHAT_ANSWER = `Here is a function that adds two numbers:\n\n\`\`\`python\n${DEFAULT_CODE}\`\`\`\n\nCall it as \`add(2, 3)\`.`;

/** What /v1/completions answers by default: code only, as a base model continues a prompt. */
export const DEFAULT_COMPLETION_ANSWER = DEFAULT_CODE;

/** A normal answer, streamed when the client asked for `stream: true`. */
export interface AnswerStep {
  type: 'answer';
  /** The whole answer; default DEFAULT_CHAT_ANSWER or DEFAULT_COMPLETION_ANSWER. Split with splitIntoChunks. */
  text?: string;
  /** The exact pieces, one SSE chunk each, instead of splitting `text`. */
  chunks?: string[];
  /** Pause before each content chunk after the first, in ms. Default 5 (or the server's delayMs). */
  delayMs?: number;
  /** Pause between the headers (and the chat role chunk) and the first content chunk, in ms. Default 0. */
  firstTokenDelayMs?: number;
  /**
   * Sent in a final usage chunk when the client asked (`stream_options.include_usage`),
   * or never with 'omit'. Default: prompt characters / 3 and the number of chunks.
   */
  usage?: { promptTokens: number; completionTokens: number } | 'omit';
  /** Write MALFORMED_SSE after the first content chunk. */
  malformed?: boolean;
  /** Raw text written as is after content chunk number `afterChunk` (0 = before the first). */
  inject?: { afterChunk: number; raw: string }[];
  /** Send this many content chunks, then nothing, keeping the connection open. 0: headers only. */
  stallAfterChunks?: number;
  /** Send `chunks` content chunks, then wait for `until` before the rest (a run held open until a test lets it end). */
  holdAfterChunks?: { chunks: number; until: Promise<unknown> };
  /** Send this many content chunks, then destroy the socket. */
  dropAfterChunks?: number;
  /** End with `data: [DONE]`. Default true. */
  done?: boolean;
}

/** An HTTP error with an OpenAI-style body `{"error": {message, type, code}}`. */
export interface ErrorStep {
  type: 'error';
  status: number;
  message?: string;
  code?: string;
  /** Sent as the Retry-After header (seconds or an HTTP date). */
  retryAfter?: number | string;
  /** A raw body instead of the JSON one. */
  rawBody?: string;
}

/** A 200 response with this exact body, for protocol oddities the answer step cannot produce. */
export interface RawStep {
  type: 'raw';
  body: string;
  /** Default text/event-stream. */
  contentType?: string;
}

/**
 * `hang`: read the request and never answer, not even headers.
 * `reset`: destroy the connection without answering.
 */
export type OpenAiStep = AnswerStep | ErrorStep | RawStep | { type: 'hang' } | { type: 'reset' };

/**
 * Steps used one per request in order (then the default answer), or a
 * function choosing the step for each request (undefined: default answer).
 */
export type OpenAiScript = OpenAiStep[] | ((request: RecordedRequest) => OpenAiStep | undefined);

/** Hands out the step for each request from the script a test set. */
export class ScriptStepper {
  private script: OpenAiScript = [];

  /** Replaces the script (an array is copied: the test's own array is not used up). */
  set(script: OpenAiScript): void {
    this.script = Array.isArray(script) ? [...script] : script;
  }

  /** The step for `request`, or the default answer. */
  next(request: RecordedRequest): OpenAiStep {
    const step = Array.isArray(this.script) ? this.script.shift() : this.script(request);
    return step ?? { type: 'answer' };
  }
}

/**
 * Splits an answer into token-like pieces at each word boundary, keeping
 * all whitespace, so that joining the pieces gives the text back.
 */
export function splitIntoChunks(text: string): string[] {
  return text.split(/(?<=\S)(?=\s)/).filter((piece) => piece.length > 0);
}

/** A script answering 400 (or `status`) whenever response_format is sent, normally otherwise. */
export function rejectResponseFormat(status = 400): OpenAiScript {
  return (request) =>
    request.body.response_format === undefined
      ? undefined
      : {
          type: 'error',
          status,
          message:
            "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
          code: 'invalid_request_error',
        };
}
