import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import compress from '@fastify/compress';

/** Answers smaller than this go out as they are: compressing them costs more time than the bytes save. */
export const COMPRESS_THRESHOLD_BYTES = 1024;

/**
 * Compresses answers on the fly (brotli at quality 4, else gzip) for clients that
 * accept it: API JSON above COMPRESS_THRESHOLD_BYTES, and the few web files the
 * build left without a precompressed copy. Files that have one are served as they
 * are (`preCompressed` in the web plugin, which sets Content-Encoding first).
 * Server-sent events are never compressed: their routes take over the raw socket
 * (`reply.hijack()`), and the plugin's type filter excludes `text/event-stream`,
 * because a compressor holds bytes back and tokens would arrive late, in bursts.
 * Register it before the routes: it attaches its hook to each route as it is added.
 */
export const compressPlugin = fp(async (app: FastifyInstance) => {
  await app.register(compress, {
    global: true,
    threshold: COMPRESS_THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
    // Request bodies stay plain JSON: accepting compressed ones would only add a way
    // to send a small body that inflates past the body limit.
    globalDecompression: false,
  });
});
