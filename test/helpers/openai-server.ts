import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A fake of a remote model server that speaks the real OpenAI protocol over
 * a real socket: POST /v1/chat/completions and /v1/completions, streamed as
 * SSE (`stream: true`) or one JSON object, and GET /v1/models. Each request
 * follows a scripted step (answer, HTTP error, hang, dropped connection ...)
 * and is recorded with its headers, body and how it ended. Model-list
 * requests (CodeGenie's status checks, which run in the background) have
 * their own script and record, so they never shift a test's completions.
 */

/** The code in the default chat answer. */
export const DEFAULT_CODE = 'def add(a, b):\n    return a + b\n';

/** What /v1/chat/completions answers by default: prose around one fenced python block. */
export const DEFAULT_CHAT_ANSWER = `Here is a function that adds two numbers:\n\n\`\`\`python\n${DEFAULT_CODE}\`\`\`\n\nCall it as \`add(2, 3)\`.`;

/** What /v1/completions answers by default: code only, as a base model continues a prompt. */
export const DEFAULT_COMPLETION_ANSWER = DEFAULT_CODE;

/** SSE lines a broken server might send: not JSON, cut-off JSON, JSON without choices. */
export const MALFORMED_SSE =
  'data: this is not json\n\ndata: {"choices": [{"delta": \n\ndata: {"unexpected": true}\n\n';

/** The JSON body a client sent (the fields CodeGenie uses; anything else is kept too). */
export interface OpenAiRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  prompt?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  stop?: string[];
  response_format?: {
    type: string;
    json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean };
  };
  [field: string]: unknown;
}

/** One request as the server saw it. Times are performance.now() in this process. */
export interface RecordedRequest {
  /** 0 for the first request since start or reset(). */
  index: number;
  method: string;
  /** e.g. /v1/chat/completions */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body ({} for GET). */
  body: OpenAiRequestBody;
  /** When the whole request body had arrived. */
  receivedAt: number;
  /** Content chunks written so far (SSE answers). */
  chunksSent: number;
  /**
   * How the exchange ended, undefined while it runs: the server finished its
   * answer, the client closed the connection first (abort, timeout), or the
   * server dropped it on purpose (`reset`, `dropAfterChunks`).
   */
  outcome: 'completed' | 'client-closed' | 'server-dropped' | undefined;
  /** When it ended. */
  endedAt: number | undefined;
  /** Resolves when the exchange has ended, either way. */
  ended: Promise<void>;
}

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

export interface OpenAiServerOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401 (no step is used), GET /v1/models too. */
  apiKey?: string;
  /**
   * When set, GET /v1/models lists these, and other model names get 404
   * model_not_found (no step is used). Unset: every model name is served,
   * and GET /v1/models answers 404, as on servers that have no model list.
   */
  models?: string[];
  /** Listen on this port (e.g. to bring a "crashed" server back where it was). Default: a free one. */
  port?: number;
  /** Default pause between content chunks, in ms. Default 5. */
  delayMs?: number;
  chatAnswer?: string;
  completionAnswer?: string;
}

export interface OpenAiTestServer {
  /** e.g. http://127.0.0.1:41234/v1: the catalogue's `baseUrl`. */
  baseUrl: string;
  port: number;
  /** Every completion request (all but GET /v1/models) since start or reset(), in arrival order. */
  requests: RecordedRequest[];
  /** Every GET /v1/models since start or reset(), in arrival order. */
  listRequests: RecordedRequest[];
  /** Replaces the script. */
  script(script: OpenAiScript): void;
  /**
   * Replaces the script of GET /v1/models: an `answer` step (or none) sends
   * the list, the others behave as for completions (error, raw, hang, reset).
   */
  scriptModelList(script: OpenAiScript): void;
  /** Resolves with request number `index` (default: the next one) once it has arrived. */
  waitForRequest(index?: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Forgets both scripts and the recorded requests (the arrays are emptied in place). */
  reset(): void;
  /** Ends every open exchange and stops listening. */
  close(): Promise<void>;
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

/** Starts the server on 127.0.0.1 and a free port. */
export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
  const requests: RecordedRequest[] = [];
  const listRequests: RecordedRequest[] = [];
  let script: OpenAiScript = [];
  let listScript: OpenAiScript = [];
  let waiters: { index: number; resolve: (r: RecordedRequest) => void }[] = [];
  /** Aborted by close(): ends pending pauses so streams stop. */
  const shutdown = new AbortController();

  function nextStep(record: RecordedRequest, from: OpenAiScript): OpenAiStep | undefined {
    return Array.isArray(from) ? from.shift() : from(record);
  }

  function isModelList(req: http.IncomingMessage): boolean {
    return req.method === 'GET' && (req.url ?? '/').split('?')[0] === '/v1/models';
  }

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      let resolveEnded = (): void => undefined;
      const recorded = isModelList(req) ? listRequests : requests;
      const record: RecordedRequest = {
        index: recorded.length,
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0] ?? '/',
        headers: req.headers,
        body: {},
        receivedAt: performance.now(),
        chunksSent: 0,
        outcome: undefined,
        endedAt: undefined,
        ended: new Promise<void>((resolve) => {
          resolveEnded = resolve;
        }),
      };
      let droppedByServer = false;
      res.on('close', () => {
        record.outcome = res.writableFinished
          ? 'completed'
          : droppedByServer
            ? 'server-dropped'
            : 'client-closed';
        record.endedAt = performance.now();
        resolveEnded();
      });
      const drop = (): void => {
        droppedByServer = true;
        res.socket?.destroy();
      };

      const raw = Buffer.concat(parts).toString('utf8');
      let badJson = false;
      if (raw.length > 0) {
        try {
          record.body = JSON.parse(raw) as OpenAiRequestBody;
        } catch {
          badJson = true;
        }
      }
      recorded.push(record);
      if (recorded === listRequests) {
        handleModelList(record, res, drop);
        return;
      }
      waiters = waiters.filter((w) => {
        if (w.index === record.index) {
          w.resolve(record);
          return false;
        }
        return true;
      });
      if (badJson) {
        sendError(res, { type: 'error', status: 400, message: 'The request body is not valid JSON.' });
        return;
      }
      void handle(record, res, drop).catch(() => {
        // A pause cut short by close(), or a write after the client left.
        if (record.outcome === undefined) {
          drop();
        }
      });
    });
  });

  async function handle(record: RecordedRequest, res: http.ServerResponse, drop: () => void): Promise<void> {
    const kind =
      record.path === '/v1/chat/completions'
        ? 'chat'
        : record.path === '/v1/completions'
          ? 'completion'
          : undefined;
    if (record.method !== 'POST' || kind === undefined) {
      sendError(res, { type: 'error', status: 404, message: `No route for ${record.method} ${record.path}` });
      return;
    }
    if (!authorized(record, res)) {
      return;
    }
    const model = record.body.model ?? '';
    if (options.models !== undefined && !options.models.includes(model)) {
      sendError(res, {
        type: 'error',
        status: 404,
        message: `The model \`${model}\` does not exist.`,
        code: 'model_not_found',
      });
      return;
    }
    const step = nextStep(record, script) ?? { type: 'answer' };
    if (step.type === 'answer') {
      await answer(record, res, drop, kind, step);
    } else {
      sendNonAnswer(res, step, drop, 'text/event-stream; charset=utf-8');
    }
  }

  /** Answers 401 and returns false when the server wants a key the request does not carry. */
  function authorized(record: RecordedRequest, res: http.ServerResponse): boolean {
    if (options.apiKey === undefined || record.headers.authorization === `Bearer ${options.apiKey}`) {
      return true;
    }
    sendError(res, {
      type: 'error',
      status: 401,
      message: 'Invalid credentials in Authorization header',
      code: 'invalid_api_key',
    });
    return false;
  }

  function handleModelList(record: RecordedRequest, res: http.ServerResponse, drop: () => void): void {
    if (!authorized(record, res)) {
      return;
    }
    const step = nextStep(record, listScript) ?? { type: 'answer' };
    if (step.type !== 'answer') {
      sendNonAnswer(res, step, drop, 'application/json');
    } else if (options.models === undefined) {
      sendError(res, { type: 'error', status: 404, message: 'No route for GET /v1/models' });
    } else {
      sendJson(res, 200, {
        object: 'list',
        data: options.models.map((id) => ({ id, object: 'model', owned_by: 'test' })),
      });
    }
  }

  async function answer(
    record: RecordedRequest,
    res: http.ServerResponse,
    drop: () => void,
    kind: 'chat' | 'completion',
    step: AnswerStep,
  ): Promise<void> {
    const text =
      step.text ??
      (kind === 'chat'
        ? (options.chatAnswer ?? DEFAULT_CHAT_ANSWER)
        : (options.completionAnswer ?? DEFAULT_COMPLETION_ANSWER));
    const chunks = step.chunks ?? splitIntoChunks(text);
    const promptChars =
      kind === 'chat'
        ? (record.body.messages ?? []).reduce((sum, m) => sum + m.content.length, 0)
        : (record.body.prompt ?? '').length;
    const usage =
      step.usage === 'omit'
        ? undefined
        : (step.usage ?? { promptTokens: Math.ceil(promptChars / 3), completionTokens: chunks.length });
    const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-test-${record.index}`;
    const base = {
      id,
      object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: record.body.model ?? 'test-model',
    };
    const usageJson =
      usage === undefined
        ? undefined
        : {
            prompt_tokens: usage.promptTokens,
            completion_tokens: usage.completionTokens,
            total_tokens: usage.promptTokens + usage.completionTokens,
          };

    if (record.body.stream !== true) {
      const message =
        kind === 'chat'
          ? { message: { role: 'assistant', content: chunks.join('') } }
          : { text: chunks.join('') };
      sendJson(res, 200, {
        ...base,
        object: kind === 'chat' ? 'chat.completion' : 'text_completion',
        choices: [{ index: 0, ...message, finish_reason: 'stop' }],
        ...(usageJson === undefined ? {} : { usage: usageJson }),
      });
      return;
    }

    const closed = AbortSignal.any([shutdown.signal, abortOnClose(res)]);
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
      if (step.dropAfterChunks === i) {
        drop();
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
      drop();
      return;
    }
    await event({ ...base, choices: [choice(null, 'stop')] });
    if (usageJson !== undefined && record.body.stream_options?.include_usage === true) {
      await event({ ...base, choices: [], usage: usageJson });
    }
    if (step.done !== false) {
      await write('data: [DONE]\n\n');
    }
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    listRequests,
    script(next) {
      script = Array.isArray(next) ? [...next] : next;
    },
    scriptModelList(next) {
      listScript = Array.isArray(next) ? [...next] : next;
    },
    waitForRequest(index = requests.length, timeoutMs = 5000) {
      const existing = requests[index];
      if (existing !== undefined) {
        return Promise.resolve(existing);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`openai test server: request #${index} did not arrive within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push({
          index,
          resolve: (record) => {
            clearTimeout(timer);
            resolve(record);
          },
        });
      });
    },
    reset() {
      script = [];
      listScript = [];
      requests.length = 0;
      listRequests.length = 0;
    },
    async close() {
      shutdown.abort();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}

/** A signal aborted when the response closes (finished, or the client left). */
function abortOnClose(res: http.ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    controller.abort();
  });
  return controller.signal;
}

function sendJson(
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

/**
 * Carries out a step that is not an answer, the same on every route: an
 * error, no answer at all (hang), a dropped connection (reset), or a raw
 * body sent as `rawContentType` unless the step names its own.
 */
function sendNonAnswer(
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

function sendError(res: http.ServerResponse, step: ErrorStep): void {
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
