import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the server misbehaves; set `server.fault` at any time. */
export type DownloadFault =
  /** Serve the file correctly. */
  | { kind: 'none' }
  /** Announce the full length, send `afterBytes` bytes, then close the connection. */
  | { kind: 'cut'; afterBytes: number }
  /** Send `afterBytes` bytes, then go silent with the connection open. */
  | { kind: 'stall'; afterBytes: number }
  /**
   * HEAD announces `announcedBytes` while GET sends the real file (with its
   * real Content-Length): a mirror whose metadata disagrees with its data.
   */
  | { kind: 'wrong-size'; announcedBytes: number }
  /** Answer every Range request with 200 and the whole file. */
  | { kind: 'ignore-range' }
  /** Accept the connection and the request, never answer. */
  | { kind: 'no-answer' }
  /** 404 Not Found. */
  | { kind: 'not-found' }
  /** At the next request, drop the connection and stop listening for good. */
  | { kind: 'gone' };

/** What a request asked for, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  range: string | undefined;
  authorization: string | undefined;
}

export interface DownloadServer {
  /** Full URL of the served file. */
  url: string;
  port: number;
  fault: DownloadFault;
  /** Requests in arrival order. */
  requests: RecordedRequest[];
  /** Stops listening and drops open connections; safe to call twice. */
  close(): Promise<void>;
}

export interface DownloadServerOptions {
  /** Path the file is served at (default /model.gguf). */
  path?: string;
  /** Send the body in pieces of `chunkBytes` every `delayMs`, so progress can be watched. */
  throttle?: { chunkBytes: number; delayMs: number };
}

/**
 * A real HTTP/1.1 file server on 127.0.0.1 (a free port) serving `body`,
 * with HEAD, `Range: bytes=N-` (206 + Content-Range; 416 past the end) and
 * fault modes. The server is unref'd so a forgotten instance never keeps
 * the test process alive; tests still close it in afterEach.
 */
export async function startDownloadServer(
  body: Buffer,
  options: DownloadServerOptions = {},
): Promise<DownloadServer> {
  const filePath = options.path ?? '/model.gguf';
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const requests: RecordedRequest[] = [];
  let closed = false;

  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    const fault = state.fault;
    if (fault.kind === 'no-answer') {
      return;
    }
    if (fault.kind === 'gone') {
      req.socket.destroy();
      void state.close();
      return;
    }
    if (req.url !== filePath || fault.kind === 'not-found') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
      return;
    }
    if (req.method === 'HEAD') {
      const size = fault.kind === 'wrong-size' ? fault.announcedBytes : body.length;
      res.writeHead(200, { 'Content-Length': size, 'Accept-Ranges': 'bytes' }).end();
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }

    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && fault.kind !== 'ignore-range') {
      start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'Content-Length': body.length - start,
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'Accept-Ranges': 'bytes',
      });
    } else {
      res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'bytes' });
    }

    const payload = body.subarray(start);
    const limit =
      fault.kind === 'cut' || fault.kind === 'stall'
        ? Math.min(fault.afterBytes, payload.length)
        : payload.length;
    const chunkBytes = options.throttle?.chunkBytes ?? payload.length;
    const delayMs = options.throttle?.delayMs ?? 0;
    let sent = 0;
    const sendMore = (): void => {
      if (res.destroyed) {
        return;
      }
      if (sent >= limit) {
        if (fault.kind === 'cut') {
          // A FIN after the bytes: the client sees the body end early.
          req.socket.end();
        } else if (fault.kind !== 'stall') {
          res.end();
        }
        return;
      }
      const piece = payload.subarray(sent, Math.min(limit, sent + Math.max(1, chunkBytes)));
      sent += piece.length;
      res.write(piece, () => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          sendMore();
        }, delayMs);
        timers.add(timer);
      });
    };
    sendMore();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  server.unref();
  const { port } = server.address() as AddressInfo;

  const state: DownloadServer = {
    url: `http://127.0.0.1:${port}${filePath}`,
    port,
    fault: { kind: 'none' },
    requests,
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      for (const timer of timers) {
        clearTimeout(timer);
      }
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
  return state;
}
