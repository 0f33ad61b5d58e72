// @ts-check
import { defineConfig } from 'vitest/config';
import { MUTATED } from './stryker.config.mjs';

/**
 * The vitest run Stryker uses: only the unit tests next to the mutated
 * modules (no HTTP, browser or audit tests), so each mutant is judged by
 * the tests that own its module.
 */
export default defineConfig({
  test: {
    include: MUTATED.map((file) => file.replace(/\.ts$/, '.test.ts')),
    environment: 'node',
  },
});
