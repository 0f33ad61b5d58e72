import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The "may import" column of docs/ARCHITECTURE.md is enforced by the
 * boundaries rule in eslint.config.js (map data in eslint.architecture.js).
 * These tests lint snippets as if they stood at a path in the tree, so they
 * prove the rule bites without adding a bad file to the tree.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const RULE = 'boundaries/dependencies';

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: ROOT,
    // The snippets are not files on disk, so the type-aware parser cannot open them;
    // the boundaries rule needs no types.
    overrideConfig: [{ languageOptions: { parserOptions: { projectService: false } } }],
    ruleFilter: ({ ruleId }) => ruleId === RULE,
  });
});

/** The boundaries messages for `code` linted as the file `filePath`, one per offending line. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  expect(result?.fatalErrorCount, 'the snippet parses').toBe(0);
  return (result?.messages ?? []).map((m) => `${m.line}: ${m.ruleId ?? 'parser'}: ${m.message}`);
}

/** A snippet linted at `file`, and the boundaries errors it must give (none for a legal import). */
const CASES: { name: string; file: string; code: string[]; errors: RegExp[] }[] = [
  {
    name: 'fails a route that imports a store adapter, statically, lazily or by re-export',
    file: 'src/server/routes/example.routes.ts',
    code: [
      "import { SqliteStore } from '../store/sqlite/sqlite.adapter.js';",
      "export const load = () => import('../store/mongo/mongo.adapter.js');",
      "export { MongoStore } from '../store/mongo/mongo.adapter.js';",
      'export const store = SqliteStore;',
    ],
    errors: [
      /^1: boundaries\/dependencies: .*"server-routes" to .*"server-sqlite"/,
      /^2: boundaries\/dependencies: .*"server-routes" to .*"server-mongo"/,
      /^3: boundaries\/dependencies: .*"server-routes" to .*"server-mongo"/,
    ],
  },
  {
    name: 'passes a route that imports a service, the store port, a plugin, the errors and shared schemas',
    file: 'src/server/routes/example.routes.ts',
    code: [
      "import { AuthService } from '../services/auth.service.js';",
      "import type { Store } from '../store/store.port.js';",
      "import { requireUser } from '../plugins/auth.plugin.js';",
      "import { loginBody } from '../../shared/auth.schemas.js';",
      "import { NotFoundError } from '../errors.js';",
      'export const all = [AuthService, requireUser, loginBody, NotFoundError];',
      'export type S = Store;',
    ],
    errors: [],
  },
  {
    name: 'keeps services away from routes and plugins',
    file: 'src/server/services/example.service.ts',
    code: [
      "import { authRoutes } from '../routes/auth.routes.js';",
      "import { authPlugin } from '../plugins/auth.plugin.js';",
      "import type { Store } from '../store/store.port.js';",
      'export const all = [authRoutes, authPlugin];',
      'export type S = Store;',
    ],
    errors: [/^1: .*"server-services" to .*"server-routes"/, /^2: .*"server-services" to .*"server-plugins"/],
  },
  {
    name: 'lets an adapter import its port and the errors, not a service',
    file: 'src/server/store/sqlite/example.ts',
    code: [
      "import type { Store } from '../store.port.js';",
      "import { ConflictError } from '../../errors.js';",
      "import { AuthService } from '../../services/auth.service.js';",
      'export const all = [ConflictError, AuthService];',
      'export type S = Store;',
    ],
    errors: [/^3: .*"server-sqlite" to .*"server-services"/],
  },
  {
    name: 'keeps the web app out of src/server',
    file: 'src/web/pages/ExamplePage.tsx',
    code: [
      "import { loadConfig } from '../../server/config';",
      "import { MESSAGES } from '../../shared/messages';",
      "import { apiFetch } from '../api/api-client';",
      'export const all = [loadConfig, MESSAGES, apiFetch];',
    ],
    errors: [/^1: .*"web-pages" to .*"server"/],
  },
  {
    name: 'lets shared code import zod and shared code only',
    file: 'src/shared/example.schemas.ts',
    code: [
      "import { z } from 'zod';",
      "import { MESSAGES } from './messages.js';",
      "import fs from 'node:fs';",
      "import { useState } from 'react';",
      "import { AppError } from '../server/errors.js';",
      'export const all = [z, MESSAGES, fs, useState, AppError];',
    ],
    errors: [
      /^3: .*src\/shared may import only zod/,
      /^4: .*src\/shared may import only zod/,
      /^5: .*"shared" to .*"server"/,
    ],
  },
];

describe('the architecture map, as enforced by lint', () => {
  it.each(CASES)('$name', async ({ file, code, errors }) => {
    expect(await boundaryErrors(file, code.join('\n'))).toEqual(errors.map((e) => expect.stringMatching(e)));
  });

  it('names a folder for every part of src, and the map has a line for each', async () => {
    const config = (await eslint.calculateConfigForFile(path.join(ROOT, 'src/server/app.ts'))) as {
      settings: { 'boundaries/elements': { pattern: string }[] };
    };
    const folders = config.settings['boundaries/elements'].map((element) => element.pattern);
    // A new folder here would silently count as its parent (the server kernel, say): it must be named.
    const parents = ['src/server', 'src/server/store', 'src/server/models', 'src/web'];
    for (const parent of parents) {
      for (const entry of fs.readdirSync(path.join(ROOT, parent), { withFileTypes: true })) {
        const folder = `${parent}/${entry.name}`;
        if (entry.isDirectory() && folder !== 'src/web/public') {
          expect(folders, `${folder} has no element in eslint.architecture.js`).toContain(folder);
        }
      }
    }
    const map = fs.readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    for (const folder of folders) {
      expect(map, `docs/ARCHITECTURE.md has no line for ${folder}/`).toContain(`| \`${folder}/\``);
    }
  });
});
