import http from 'node:http';
import type { RecordedRequest } from './recorder.js';
import {
  DEFAULT_CHAT_ANSWER,
  DEFAULT_COMPLETION_ANSWER,
  splitIntoChunks,
  type AnswerStep,
  type ErrorStep,
  type OpenAiStep,
} from './script.js';

/** Which endpoint answers: /v1/chat/completions or /v1/completions. */
export type CompletionKind = 'chat' | 'completion';

/** What an answer step sends, on either wire: the pieces, the fields every chunk carries, the usage. */
export interface PlannedAnswer {
  kind: CompletionKind;
  chunks: string[];
  /** id, object, created and model, as OpenAI puts them on every chunk. */
  base: { id: string; object: string; created: number; model: string };
  /** OpenAI's usage object, or undefined when the step omits it. */
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | undefined;
}

/** Works out an answer step's text, chunks and usage for `record`. */
export function planAnswer(
  record: RecordedRequest,
  kind: CompletionKind,
  step: AnswerStep,
  defaults: { chatAnswer?: string; completionAnswer?: string },
): PlannedAnswer {
  const text =
    step.text ??
    (kind === 'chat'
      ? (defaults.chatAnswer ?? DEFAULT_CHAT_ANSWER)
      : (defaults.completionAnswer ?? DEFAULT_COMPLETION_ANSWER));
  const chunks = step.chunks ?? splitIntoChunks(text);
  const promptChars =
    kind === 'chat'
      ? (record.body.messages ?? []).reduce((sum, m) => sum + m.content.length, 0)
      : (record.body.prompt ?? '').length;
  const usage =
    step.usage === 'omit'
      ? undefined
      : (step.usage ?? { promptTokens: Math.ceil(promptChars / 3), completionTokens: chunks.length });
  return {
    kind,
    chunks,
    base: {
      id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-test-${record.index}`,
      object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: record.body.model ?? 'test-model',
    },
    usage:
      usage === undefined
        ? undefined
        : {
            prompt_tokens: usage.promptTokens,
            completion_tokens: usage.completionTokens,
            total_tokens: usage.promptTokens + usage.completionTokens,
          },
  };
}

/** The whole answer as one JSON object, as OpenAI answers without `stream: true`. */
export function sendCompletionJson(res: http.ServerResponse, answer: PlannedAnswer): void {
  const content = answer.chunks.join('');
  const message = answer.kind === 'chat' ? { message: { role: 'assistant', content } } : { text: content };
  sendJson(res, 200, {
    ...answer.base,
    object: answer.kind === 'chat' ? 'chat.completion' : 'text_completion',
    choices: [{ index: 0, ...message, finish_reason: 'stop' }],
    ...(answer.usage === undefined ? {} : { usage: answer.usage }),
  });
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  payload: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** An OpenAI-style error `{"error": {message, type, code}}`, or the step's raw body. */
export function sendError(res: http.ServerResponse, step: ErrorStep): void {
  const headers: http.OutgoingHttpHeaders =
    step.retryAfter === undefined ? {} : { 'retry-after': String(step.retryAfter) };
  if (step.rawBody !== undefined) {
    res.writeHead(step.status, { 'content-type': 'text/plain', ...headers });
    res.end(step.rawBody);
    return;
  }
  sendJson(
    res,
    step.status,
    {
      error: {
        message: step.message ?? http.STATUS_CODES[step.status] ?? 'error',
        type: step.status >= 500 ? 'server_error' : 'invalid_request_error',
        code: step.code ?? null,
      },
    },
    headers,
  );
}

/**
 * Carries out a step that is not an answer, the same on every route: an
 * error, no answer at all (hang), a dropped connection (reset), or a raw
 * body sent as `rawContentType` unless the step names its own.
 */
export function sendNonAnswer(
  res: http.ServerResponse,
  step: Exclude<OpenAiStep, AnswerStep>,
  drop: () => void,
  rawContentType: string,
): void {
  switch (step.type) {
    case 'error':
      sendError(res, step);
      return;
    case 'hang':
      return;
    case 'reset':
      drop();
      return;
    case 'raw':
      res.writeHead(200, { 'content-type': step.contentType ?? rawContentType });
      res.end(step.body);
      return;
  }
}
