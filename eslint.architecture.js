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
  'server-tunnel',
  'server-services',
  'server-jobs',
  'server-plugins',
  'server-routes',
  'server-eval',
  'server-sandbox',
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
  'web-run',
  'web-stores',
  'web-styles',
];
const SRC = [...SERVER, ...WEB, 'shared'];
/** Web folders that may import the rest of the web app (page components aside) and shared. */
const WEB_UI = WEB.filter((type) => !['web', 'web-api', 'web-run', 'web-styles'].includes(type));

/**
 * One element of the map.
 * @param {string} type
 * @param {string} folder
 * @param {string[]} mayImport
 */
const layer = (type, folder, mayImport) => ({ type, folder, mayImport });
/** What every server folder may import: the kernel (files directly in src/server) and shared. */
const BASE = ['server', 'shared'];

export const LAYERS = [
  // Adapters: their port (and the store's cursor helpers), the kernel, shared.
  layer('server-sqlite', 'src/server/store/sqlite', ['server-store', ...BASE]),
  layer('server-mongo', 'src/server/store/mongo', ['server-store', ...BASE]),
  // The port, contract and factory: the factory alone reaches the adapters.
  layer('server-store', 'src/server/store', ['server-sqlite', 'server-mongo', ...BASE]),
  layer('server-local', 'src/server/models/local', ['server-models', ...BASE]),
  layer('server-openai', 'src/server/models/openai-compatible', ['server-models', ...BASE]),
  layer('server-models', 'src/server/models', ['server-local', 'server-openai', ...BASE]),
  layer('server-mail', 'src/server/mail', BASE),
  layer('server-tunnel', 'src/server/tunnel', BASE),
  layer('server-services', 'src/server/services', ['server-store', 'server-models', 'server-mail', ...BASE]),
  layer('server-jobs', 'src/server/jobs', ['server-services', 'server-store', ...BASE]),
  layer('server-plugins', 'src/server/plugins', ['server-services', ...BASE]),
  // Routes reach the store's port (health check), never an adapter.
  layer('server-routes', 'src/server/routes', [
    'server-services',
    'server-plugins',
    'server-models',
    'server-store',
    ...BASE,
  ]),
  layer('server-eval', 'src/server/eval', ['server-services', 'server-models', 'server-local', ...BASE]),
  // Test and fix's runners: eval's Pyodide runner for Python, a node child for JavaScript and TypeScript.
  layer('server-sandbox', 'src/server/sandbox', ['server-eval', ...BASE]),
  layer('server-cli', 'src/server/cli', [...SERVER, 'shared']),
  // The kernel (config, errors, clock, logger ...); main.ts and app.ts, the composition root, see all.
  layer('server', 'src/server', BASE),
  layer('web-api', 'src/web/api', ['shared']),
  // The code runner: shared shapes and limits only, so it stays a small lazy chunk.
  layer('web-run', 'src/web/run', ['shared']),
  layer('web-styles', 'src/web/styles', []),
  ...WEB_UI.map((type) => layer(type, `src/web/${type.slice('web-'.length)}`, [...WEB, 'shared'])),
  layer('web', 'src/web', [...WEB, 'shared']),
  layer('shared', 'src/shared', ['shared']),
  layer('test-helpers', 'test/helpers', [...SRC, 'test-helpers']),
  layer('test', 'test', [...SRC, 'test-helpers', 'test']),
  layer('bench', 'bench', [...SRC, 'test-helpers']),
  layer('scripts', 'scripts', ['server']),
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
