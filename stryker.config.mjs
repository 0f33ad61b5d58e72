// @ts-check
/**
 * Mutation testing (`npm run test:mutation`): Stryker changes one thing at a
 * time in the modules that decide what a model is sent and what users get
 * back from it, and runs those modules' unit tests against each change. A
 * change no test notices ("survived") is behaviour no test pins. Not part
 * of `npm test`: it takes minutes.
 *
 * Stryker 9.6 is the newest line that runs on Node 20 (10.x needs Node 22);
 * its vitest runner supports vitest 4.1.
 */

/**
 * The pure, model-facing modules; their tests are the `*.test.ts` beside
 * each. The eval harness's subprocess runner, data-set download and run
 * loop are left out: they are I/O, tested by running them.
 */
export const MUTATED = [
  // What a model is sent, and the code, language and sections read back.
  'src/server/models/output.ts',
  'src/server/models/prompts.ts',
  'src/server/models/prompt-formats.ts',
  // npm run eval: the program assembled from an answer, and the scores.
  'src/server/eval/program.ts',
  'src/server/eval/report.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.mjs', related: false },
  mutate: MUTATED,
  coverageAnalysis: 'perTest',
  // Only what the unit tests load goes into Stryker's sandbox copies.
  ignorePatterns: [
    '/*',
    '!/src',
    '!/package.json',
    '!/tsconfig.json',
    '!/vitest.mutation.config.mjs',
    '!/stryker.config.mjs',
  ],
  // Git-ignored folders: a run leaves the working tree as it was.
  tempDirName: 'test-results/.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'test-results/mutation/index.html' },
  jsonReporter: { fileName: 'test-results/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 85, break: null },
};
