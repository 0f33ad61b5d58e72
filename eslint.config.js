// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import boundaries from 'eslint-plugin-boundaries';
import { ARCHITECTURE_FILES, LAYERS, TEST_CODE, architecturePolicies } from './eslint.architecture.js';

/** Native or heavy drivers stay inside their adapter folders (CONVENTIONS.md). */
const ADAPTER_ONLY = [
  { name: 'better-sqlite3', message: 'Import better-sqlite3 only in src/server/store/sqlite/.' },
  { name: 'mongodb', message: 'Import mongodb only in src/server/store/mongo/.' },
  { name: 'node-llama-cpp', message: 'Import node-llama-cpp only in src/server/models/local/.' },
  { name: 'nodemailer', message: 'Import nodemailer only in src/server/mail/.' },
  { name: '@ngrok/ngrok', message: 'Import @ngrok/ngrok only in src/server/tunnel/.' },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      eqeqeq: 'error',
      curly: 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-restricted-imports': ['error', { paths: ADAPTER_ONLY }],
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: [
      'src/server/store/sqlite/**',
      'src/server/store/mongo/**',
      'src/server/mail/**',
      'src/server/tunnel/**',
      'src/server/models/local/**',
      'test/**',
      'bench/**',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.test.ts', '**/*.contract.ts', 'test/**'],
    rules: {
      // Tests read JSON bodies field by field.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The "may import" column of docs/ARCHITECTURE.md (eslint.architecture.js).
    files: ['src/**/*.{ts,tsx}', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: TEST_CODE,
    plugins: { boundaries },
    settings: {
      'import/resolver': {
        typescript: { project: ['tsconfig.json', 'src/web/tsconfig.json'], noWarnOnMultipleProjects: true },
      },
      'boundaries/elements': LAYERS.map(({ type, folder }) => ({
        type,
        pattern: folder,
        partialMatch: false,
      })),
      'boundaries/files': ARCHITECTURE_FILES,
      // Lazy `import()` is how the store factory loads its adapters: check it like a static import.
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        { default: 'disallow', checkAllOrigins: true, policies: architecturePolicies() },
      ],
    },
  },
  {
    files: ['src/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
