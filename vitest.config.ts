import { defineConfig } from 'vitest/config';

/**
 * Two projects: fast unit + HTTP tests, and browser end-to-end tests in
 * Chromium. `npm test` runs both (after building the web app, which the
 * browser tests load from dist/web), then the log audit.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          include: ['src/**/*.test.ts', 'test/api/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One browser at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'audit',
          include: ['test/audit/**/*.test.ts'],
          environment: 'node',
        },
      },
    ],
  },
});
