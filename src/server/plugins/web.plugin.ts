import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { NotFoundError } from '../errors.js';
import { runtimePlugin, setRuntimeFileHeaders } from './runtime.plugin.js';

export interface WebOptions {
  /** The built single-page app (dist/web); undefined or missing: API only. */
  webRoot: string | undefined;
  /** APP_URL: the code runner's sandbox page names the app's origin in its CSP. */
  appUrl: string;
}

/** What every hashed file under /assets gets: its name changes with its content, so it never goes stale. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/**
 * Serves the built React app: hashed assets with a long cache, and
 * index.html (revalidated on every load, so a new build is picked up) for
 * every other GET outside /api so client-side routes such as /login load the
 * app. Unknown /api paths answer a JSON 404. A file's brotli or gzip copy
 * (`.br`, `.gz`, written by scripts/compress-assets.ts at build time) is sent
 * instead when the request's Accept-Encoding takes it.
 */
export async function webPlugin(app: FastifyInstance, opts: WebOptions): Promise<void> {
  const root = opts.webRoot;
  const hasWeb = root !== undefined && fs.existsSync(path.join(root, 'index.html'));
  if (hasWeb) {
    // Worked out once, not on every file served.
    const assets = path.join(root, 'assets') + path.sep;
    const runtime = path.join(root, 'runtime') + path.sep;
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      preCompressed: true,
      setHeaders(reply, filePath) {
        reply.header('cache-control', filePath.startsWith(assets) ? IMMUTABLE_CACHE : 'no-cache');
        if (filePath.startsWith(runtime)) {
          setRuntimeFileHeaders(reply, filePath.slice(runtime.length), opts.appUrl);
        }
      },
    });
  } else {
    app.log.warn('web app not built (run npm run build): serving the API only');
  }
  // Pyodide's files come from node_modules, so `npm run dev:web` gets them from the API server too.
  await runtimePlugin(app);

  app.setNotFoundHandler(async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const isApi = pathname === '/api' || pathname.startsWith('/api/');
    if (isApi || !hasWeb || (request.method !== 'GET' && request.method !== 'HEAD')) {
      throw new NotFoundError();
    }
    // Paths with a file extension are missing assets, not app routes.
    if (path.extname(pathname) !== '') {
      throw new NotFoundError();
    }
    void reply.header('cache-control', 'no-cache');
    if (/^\/(reset-password|register)\/?$/.test(pathname)) {
      // The address may hold a reset token or an invitation: never send it on as a Referer.
      void reply.header('referrer-policy', 'no-referrer');
    }
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });
}
