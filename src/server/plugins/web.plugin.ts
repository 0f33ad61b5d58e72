import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { NotFoundError } from '../errors.js';

export interface WebOptions {
  /** The built single-page app (dist/web); undefined or missing: API only. */
  webRoot: string | undefined;
}

/**
 * Serves the built React app: hashed assets with a long cache, and
 * index.html for every other GET outside /api so client-side routes such as
 * /login load the app. Unknown /api paths answer a JSON 404.
 */
export async function webPlugin(app: FastifyInstance, opts: WebOptions): Promise<void> {
  const root = opts.webRoot;
  const hasWeb = root !== undefined && fs.existsSync(path.join(root, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      setHeaders(reply, filePath) {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  } else {
    app.log.warn('web app not built (run npm run build): serving the API only');
  }

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
    if (pathname === '/reset-password' || pathname === '/reset-password/') {
      // The address holds a reset token: never send it on as a Referer.
      void reply.header('referrer-policy', 'no-referrer');
    }
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });
}
