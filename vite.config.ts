import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Builds the React single-page app from src/web into dist/web, which the
 * Fastify server serves in production. `npm run dev:web` proxies /api to the
 * API on port 3000 so the two can be developed side by side.
 */
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // API calls only, not the app's own modules under src/web/api/ (e.g. /api/auth.api.ts).
    proxy: { '^/api/(?!.*\\.tsx?(?:\\?.*)?$)': 'http://127.0.0.1:3000' },
  },
});
