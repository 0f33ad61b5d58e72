import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { compressAssets, summarize } from './scripts/compress-assets.js';

/**
 * After the bundle is written, adds brotli and gzip copies of its text assets
 * (scripts/compress-assets.ts), which the server sends by Accept-Encoding. Part
 * of every `vite build`, so a build into another folder (`--outDir`) has them too.
 */
function precompress(): Plugin {
  return {
    name: 'codegenie:precompress',
    apply: 'build',
    async writeBundle(options) {
      if (options.dir !== undefined) {
        this.info(summarize(await compressAssets(options.dir)));
      }
    },
  };
}

/**
 * Builds the React single-page app from src/web into dist/web, which the
 * Fastify server serves in production. `npm run dev:web` proxies /api to the
 * API on port 3000 so the two can be developed side by side.
 */
export default defineConfig({
  root: 'src/web',
  plugins: [react(), precompress()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // API calls only, not the app's own modules under src/web/api/ (e.g. /api/auth.api.ts).
    proxy: {
      '^/api/(?!.*\\.tsx?(?:\\?.*)?$)': 'http://127.0.0.1:3000',
      // Run code: Pyodide's files come from the API server (node_modules/pyodide, runtime.plugin.ts).
      '^/runtime/pyodide/': 'http://127.0.0.1:3000',
    },
  },
});
