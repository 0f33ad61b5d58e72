import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { planAnswer, sendCompletionJson, sendError, sendJson, sendNonAnswer } from './openai/json-encoder.js';
import { RequestRecorder, type RecordedRequest } from './openai/recorder.js';
import { ScriptStepper, type OpenAiScript } from './openai/script.js';
import { streamAnswer } from './openai/sse-encoder.js';

/**
 * A fake of a remote model server that speaks the real OpenAI protocol over
 * a real socket: POST /v1/chat/completions and /v1/completions, streamed as
 * SSE (`stream: true`) or one JSON object, and GET /v1/models. Each request
 * follows a scripted step (answer, HTTP error, hang, dropped connection ...)
 * and is recorded with its headers, body and how it ended. Model-list
 * requests (CodeGenie's status checks, which run in the background) have
 * their own script and record, so they never shift a test's completions.
 *
 * The parts: openai/recorder.ts (what arrived and how it ended),
 * openai/script.ts (the steps a test scripts), openai/sse-encoder.ts and
 * openai/json-encoder.ts (the two wire formats).
 */

export type { OpenAiRequestBody, RecordedRequest } from './openai/recorder.js';
export {
  DEFAULT_CHAT_ANSWER,
  DEFAULT_CODE,
  DEFAULT_COMPLETION_ANSWER,
  rejectResponseFormat,
  splitIntoChunks,
  type AnswerStep,
  type ErrorStep,
  type OpenAiScript,
  type OpenAiStep,
  type RawStep,
} from './openai/script.js';
export { MALFORMED_SSE } from './openai/sse-encoder.js';

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

/** Starts the server on 127.0.0.1 and a free port. */
export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
  const recorder = new RequestRecorder();
  const completions = new ScriptStepper();
  const modelList = new ScriptStepper();
  /** Aborted by close(): ends pending pauses so streams stop. */
  const shutdown = new AbortController();

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const isModelList = req.method === 'GET' && (req.url ?? '/').split('?')[0] === '/v1/models';
      const raw = Buffer.concat(parts).toString('utf8');
      const { record, badJson, drop } = recorder.record(req, res, raw, isModelList);
      if (isModelList) {
        handleModelList(record, res, drop);
      } else if (badJson) {
        sendError(res, { type: 'error', status: 400, message: 'The request body is not valid JSON.' });
      } else {
        void handleCompletion(record, res, drop).catch(() => {
          // A pause cut short by close(), or a write after the client left.
          if (record.outcome === undefined) {
            drop();
          }
        });
      }
    });
  });

  async function handleCompletion(
    record: RecordedRequest,
    res: http.ServerResponse,
    drop: () => void,
  ): Promise<void> {
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
    const step = completions.next(record);
    if (step.type !== 'answer') {
      sendNonAnswer(res, step, drop, 'text/event-stream; charset=utf-8');
      return;
    }
    const answer = planAnswer(record, kind, step, options);
    if (record.body.stream === true) {
      await streamAnswer(res, record, step, answer, {
        shutdown: shutdown.signal,
        delayMs: options.delayMs,
        drop,
      });
    } else {
      sendCompletionJson(res, answer);
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
    const step = modelList.next(record);
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
    requests: recorder.requests,
    listRequests: recorder.listRequests,
    script(next) {
      completions.set(next);
    },
    scriptModelList(next) {
      modelList.set(next);
    },
    waitForRequest(index, timeoutMs) {
      return recorder.waitForRequest(index, timeoutMs);
    },
    reset() {
      completions.set([]);
      modelList.set([]);
      recorder.reset();
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
