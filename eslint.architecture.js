// @ts-check
/**
 * The folder map of docs/ARCHITECTURE.md as data: each folder, its element
 * type, and the element types it may import. eslint.config.js turns it into
 * eslint-plugin-boundaries settings, so `npm run lint` fails on an import the
 * map does not allow (src/server/architecture.test.ts proves the rule bites).
 * The first folder that contains a file names its type, so subfolders come
 * before their parents.
 */

const SERVER = [
  'server',
  'server-store',
  'server-sqlite',
  'server-mongo',
  'server-models',
  'server-local',
  'server-openai',
  'server-mail',
  'server-services',
  'server-jobs',
  'server-plugins',
  'server-routes',
  'server-eval',
  'server-cli',
];
const WEB = [
  'web',
  'web-api',
  'web-auth',
  'web-components',
  'web-generation',
  'web-hooks',
  'web-pages',
  'web-stores',
  'web-styles',
  'web-theme',
];
const SRC = [...SERVER, ...WEB, 'shared'];
/** Web folders that may import the rest of the web app (page components aside) and shared. */
const WEB_UI = WEB.filter((type) => !['web', 'web-api', 'web-styles'].includes(type));

/** @type {{ type: string; folder: string; mayImport: string[] }[]} */
export const LAYERS = [
  // Adapters: their port (and the store's cursor helpers), the server kernel, shared.
  {
    type: 'server-sqlite',
    folder: 'src/server/store/sqlite',
    mayImport: ['server-store', 'server', 'shared'],
  },
  { type: 'server-mongo', folder: 'src/server/store/mongo', mayImport: ['server-store', 'server', 'shared'] },
  // The port, contract and factory: the factory alone reaches the adapters.
  {
    type: 'server-store',
    folder: 'src/server/store',
    mayImport: ['server-sqlite', 'server-mongo', 'server', 'shared'],
  },
  {
    type: 'server-local',
    folder: 'src/server/models/local',
    mayImport: ['server-models', 'server', 'shared'],
  },
  {
    type: 'server-openai',
    folder: 'src/server/models/openai-compatible',
    mayImport: ['server-models', 'server', 'shared'],
  },
  {
    type: 'server-models',
    folder: 'src/server/models',
    mayImport: ['server-local', 'server-openai', 'server', 'shared'],
  },
  { type: 'server-mail', folder: 'src/server/mail', mayImport: ['server', 'shared'] },
  {
    type: 'server-services',
    folder: 'src/server/services',
    mayImport: ['server-store', 'server-models', 'server-mail', 'server', 'shared'],
  },
  {
    type: 'server-jobs',
    folder: 'src/server/jobs',
    mayImport: ['server-services', 'server-store', 'server', 'shared'],
  },
  {
    type: 'server-plugins',
    folder: 'src/server/plugins',
    mayImport: ['server-services', 'server', 'shared'],
  },
  {
    type: 'server-routes',
    folder: 'src/server/routes',
    mayImport: ['server-services', 'server-plugins', 'server-models', 'server-store', 'server', 'shared'],
  },
  {
    type: 'server-eval',
    folder: 'src/server/eval',
    mayImport: ['server-services', 'server-models', 'server-local', 'server', 'shared'],
  },
  { type: 'server-cli', folder: 'src/server/cli', mayImport: [...SERVER, 'shared'] },
  // The kernel (config, errors, clock, logger ...); main.ts and app.ts, the composition root, see all.
  { type: 'server', folder: 'src/server', mayImport: ['server', 'shared'] },
  { type: 'web-api', folder: 'src/web/api', mayImport: ['shared'] },
  { type: 'web-styles', folder: 'src/web/styles', mayImport: [] },
  ...WEB_UI.map((type) => ({
    type,
    folder: `src/web/${type.slice('web-'.length)}`,
    mayImport: [...WEB, 'shared'],
  })),
  { type: 'web', folder: 'src/web', mayImport: [...WEB, 'shared'] },
  { type: 'shared', folder: 'src/shared', mayImport: ['shared'] },
  { type: 'test-helpers', folder: 'test/helpers', mayImport: [...SRC, 'test-helpers'] },
  { type: 'test', folder: 'test', mayImport: [...SRC, 'test-helpers', 'test'] },
  { type: 'bench', folder: 'bench', mayImport: [...SRC, 'test-helpers'] },
  { type: 'scripts', folder: 'scripts', mayImport: ['server'] },
];

/** Tests, contract suites and fixtures beside the code: they may import anything, so they are not checked. */
export const TEST_CODE = [
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/*.contract.ts',
  '**/*.fixture.ts',
  'src/server/store/store-fixtures.ts',
];

/** Files singled out within a folder. */
export const ARCHITECTURE_FILES = [
  { category: 'composition-root', pattern: 'src/server/{main,app}.ts' },
  { category: 'page', pattern: 'src/web/pages/*Page.tsx' },
  { category: 'test-code', pattern: TEST_CODE },
];

/** @param {string[]} types */
const elements = (types) => ({ element: { type: types } });

/** The boundaries/dependencies policies; the last one that matches an import decides. */
export function architecturePolicies() {
  return [
    // Packages: anywhere (drivers are fenced by no-restricted-imports) ...
    { allow: { to: { module: { origin: ['external', 'core'] } } } },
    ...LAYERS.map(({ type, mayImport }) => ({
      from: elements([type]),
      allow: { to: elements(mayImport) },
    })),
    { from: { file: { categories: 'composition-root' } }, allow: { to: elements([...SERVER, 'shared']) } },
    // ... but shared code, which runs in the browser too, takes nothing but zod.
    {
      from: elements(['shared']),
      disallow: { to: { module: { origin: ['external', 'core'] } } },
      message: 'src/shared may import only zod and src/shared (docs/ARCHITECTURE.md)',
    },
    { from: elements(['shared']), allow: { to: { module: { origin: 'external', source: 'zod' } } } },
    {
      from: elements(SRC),
      disallow: { to: { file: { categories: 'test-code' } } },
      message: 'Application code does not import tests, contract suites or fixtures',
    },
    {
      from: elements(SRC),
      disallow: { to: { file: { categories: 'composition-root' } } },
      message: 'main.ts and app.ts are the composition root: nothing in src imports them',
    },
    {
      from: { file: { categories: 'composition-root' } },
      allow: { to: { file: { categories: 'composition-root' } } },
    },
    {
      from: elements(WEB.filter((type) => type !== 'web' && type !== 'web-pages')),
      disallow: { to: { file: { categories: 'page' } } },
      message: 'Pages are leaves: only the router (and other pages) import a *Page.tsx',
    },
  ];
}
