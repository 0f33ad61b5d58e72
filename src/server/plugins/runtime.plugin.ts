import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../errors.js';
import { PYODIDE_VERSION } from '../../shared/run.js';

/*
 * Run code (issue 15): the files the browser's code runner loads, all from
 * the app's own origin. The sandbox page and its two scripts are part of the
 * web build (src/web/public/runtime/, served by web.plugin.ts with the headers
 * below); Pyodide's files are served here straight from node_modules/pyodide,
 * so neither `npm run build` nor a test build copies 14 MB into its folder.
 */

/** Where the runner's files are served; Pyodide's under pyodide/<version>/. */
export const RUNTIME_PREFIX = '/runtime/';

/** What is served of the pyodide package: the runtime, its standard library and lock file, nothing else. */
const PYODIDE_FILES: Record<string, string> = {
  'pyodide.js': 'text/javascript; charset=utf-8',
  'pyodide.mjs': 'text/javascript; charset=utf-8',
  'pyodide.asm.js': 'text/javascript; charset=utf-8',
  'pyodide.asm.wasm': 'application/wasm',
  'python_stdlib.zip': 'application/zip',
  'pyodide-lock.json': 'application/json; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The installed pyodide package's folder. */
export function pyodideDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('pyodide'));
}

/** The app's origins the sandbox may load from and be framed by: APP_URL's and the one this request reached. */
function appOrigins(request: FastifyRequest, appUrl: string): string {
  const origins = new Set([new URL(appUrl).origin, `${request.protocol}://${request.host}`]);
  return [...origins].join(' ');
}

/**
 * The sandbox page's policy: scripts only from the runtime folder and the
 * blob: workers it makes, WebAssembly compilation, network only to Pyodide's
 * files, framed only by the app. No 'unsafe-eval', no 'unsafe-inline'.
 * Its workers (blob: URLs) inherit it, so the run code is held to it too.
 */
export function sandboxPolicy(origins: string): string {
  const runtime = origins
    .split(' ')
    .map((origin) => origin + RUNTIME_PREFIX)
    .join(' ');
  const pyodide = origins
    .split(' ')
    .map((origin) => `${origin}${RUNTIME_PREFIX}pyodide/`)
    .join(' ');
  return [
    "default-src 'none'",
    `script-src ${runtime} blob: 'wasm-unsafe-eval'`,
    'worker-src blob:',
    `connect-src ${pyodide}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${origins}`,
  ].join('; ');
}

/**
 * Headers of a runtime file from the web build (web.plugin.ts setHeaders).
 * Its loader is the sandbox's opaque origin, so every runtime file is
 * cross-origin to it: CORS for fetches and a cross-origin resource policy
 * (the page set sends same-origin). The sandbox page gets its own CSP and
 * may be framed by the app (the page set forbids framing).
 */
export function setRuntimeFileHeaders(reply: FastifyReply, relative: string, appUrl: string): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('cross-origin-resource-policy', 'cross-origin');
  if (relative.replace(/\.(br|gz)$/, '') === 'sandbox.html') {
    reply.removeHeader('x-frame-options');
    reply.header('content-security-policy', sandboxPolicy(appOrigins(reply.request, appUrl)));
  }
}

/** Serves Pyodide's files under /runtime/pyodide/<version>/ with a year's immutable cache. */
export async function runtimePlugin(app: FastifyInstance): Promise<void> {
  const dir = pyodideDir();
  app.get<{ Params: { version: string; file: string } }>(
    `${RUNTIME_PREFIX}pyodide/:version/:file`,
    async (request, reply) => {
      const { version, file } = request.params;
      const type = Object.hasOwn(PYODIDE_FILES, file) ? PYODIDE_FILES[file] : undefined;
      if (version !== PYODIDE_VERSION || type === undefined) {
        throw new NotFoundError();
      }
      const full = path.join(dir, file);
      const stat = await fs.promises.stat(full);
      return reply
        .type(type)
        .header('content-length', stat.size)
        .header('cache-control', IMMUTABLE)
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(fs.createReadStream(full));
    },
  );
}
