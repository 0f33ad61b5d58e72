import type http from 'node:http';

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

/** A request just recorded, and how to drop its connection on purpose. */
export interface Recorded {
  record: RecordedRequest;
  /** The body was sent but is not JSON. */
  badJson: boolean;
  /** Destroys the connection, recorded as `server-dropped`. */
  drop: () => void;
}

/**
 * Keeps every request the fake model server received, in arrival order:
 * completions in `requests`, model-list reads (CodeGenie's background status
 * checks) apart in `listRequests`, so they never shift a test's indexes.
 * It watches each response to record how and when the exchange ended.
 */
export class RequestRecorder {
  readonly requests: RecordedRequest[] = [];
  readonly listRequests: RecordedRequest[] = [];
  private waiters: { index: number; resolve: (r: RecordedRequest) => void }[] = [];

  /** Records a request whose whole body (`raw`) has arrived. */
  record(req: http.IncomingMessage, res: http.ServerResponse, raw: string, isModelList: boolean): Recorded {
    const into = isModelList ? this.listRequests : this.requests;
    let resolveEnded = (): void => undefined;
    const record: RecordedRequest = {
      index: into.length,
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
    let badJson = false;
    if (raw.length > 0) {
      try {
        record.body = JSON.parse(raw) as OpenAiRequestBody;
      } catch {
        badJson = true;
      }
    }
    into.push(record);
    if (!isModelList) {
      this.waiters = this.waiters.filter((w) => {
        if (w.index === record.index) {
          w.resolve(record);
          return false;
        }
        return true;
      });
    }
    const drop = (): void => {
      droppedByServer = true;
      res.socket?.destroy();
    };
    return { record, badJson, drop };
  }

  /** Resolves with completion request number `index` (default: the next one) once it has arrived. */
  waitForRequest(index = this.requests.length, timeoutMs = 5000): Promise<RecordedRequest> {
    const existing = this.requests[index];
    if (existing !== undefined) {
      return Promise.resolve(existing);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`openai test server: request #${index} did not arrive within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({
        index,
        resolve: (record) => {
          clearTimeout(timer);
          resolve(record);
        },
      });
    });
  }

  /** Forgets every recorded request (the arrays are emptied in place). */
  reset(): void {
    this.requests.length = 0;
    this.listRequests.length = 0;
  }
}
