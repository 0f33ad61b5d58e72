import path from 'node:path';

/**
 * Where browser tests write their screenshots: test-results/screenshots, so
 * a test run leaves the working tree as it found it. `npm run screenshots`
 * (UPDATE_SCREENSHOTS=1) writes them to docs/screenshots for the README.
 */
export const SCREENSHOTS = path.resolve(
  import.meta.dirname,
  process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots' : '../../test-results/screenshots',
);
