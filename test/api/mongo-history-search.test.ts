import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { PasswordHasher } from '../../src/server/services/password-hasher.js';
import { decodeCursor } from '../../src/server/store/cursor.js';
import { fixturePrompt } from '../../src/server/store/store-prompts.contract.js';
import { fixtureUser, T0 } from '../../src/server/store/store-fixtures.js';
import { toPromptDoc, toThreadDoc, toUserDoc } from '../../src/server/store/mongo/mongo.mapping.js';
import { fixtureThread } from '../../src/server/store/store-threads.contract.js';
import { threadPageSchema } from '../../src/shared/threads.schemas.js';
import { historyPageSchema } from '../../src/shared/history.schemas.js';
import { findBatch, useFakeMongoStore } from '../helpers/fake-mongo-store.js';
import { useTempDir } from '../helpers/suite.js';

/**
 * GET /api/history?q= on MongoDB without Atlas Search (issue 16 item 1),
 * through the real app on the wire-protocol test server: a search that runs
 * out of time answers 200 with what the newest records hold, a cursor to
 * continue and `searchLimited: true`, not a 503; one that finishes in time
 * says nothing of a limit.
 */
const open = useFakeMongoStore();
const dir = useTempDir('codegenie-mongo-history-search-');
const PASSWORD = 'correct horse battery';
const expired = { ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' };

async function signedInOnFakeMongo(scanExpires: boolean) {
  const hasher = new PasswordHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 });
  const user = { ...fixtureUser(), passwordHash: await hasher.hash(PASSWORD) };
  const hit = toPromptDoc({ ...fixturePrompt(user.id, { input: 'a linked list' }), createdAt: T0 });
  const thread = {
    ...toThreadDoc(fixtureThread(user.id, { id: hit._id })),
    turnCount: 1,
    latest: { _id: hit._id, status: 'completed', modelId: hit.modelId, language: 'python' },
  };
  let session: Document | undefined;
  const { store } = await open((c) => {
    if (c.insert === 'sessions') {
      session = (c.documents as Document[])[0];
      return undefined;
    }
    if (c.find === 'users') {
      return findBatch('users', [toUserDoc(user)]);
    }
    if (c.find === 'sessions') {
      return findBatch('sessions', session ? [session] : []);
    }
    if (c.aggregate === 'threads') {
      const bounded = '$and' in ((c.pipeline as Document[])[0]?.$match as Document);
      return scanExpires && !bounded ? expired : findBatch('threads', [thread]);
    }
    if (c.find === 'threads' && Number(c.skip) > 0) {
      return findBatch('threads', [{ _id: 't-end', updatedAt: T0 }]);
    }
    if (c.find !== 'prompts' || !JSON.stringify(c.filter).includes(user.id)) {
      return undefined;
    }
    if (Number(c.skip) > 0) {
      return findBatch('prompts', [{ _id: 'p-end', createdAt: T0 }]);
    }
    const bounded = JSON.stringify(c.filter).includes('$gte');
    return scanExpires && !bounded ? expired : findBatch('prompts', [hit]);
  });
  const config = loadConfig({ DATA_DIR: dir.path, MODELS_GPU: 'off', LOG_LEVEL: 'error' });
  const app = await buildApp({ config, store, hasher, sessionSecret: 's'.repeat(64) });
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: user.username, password: PASSWORD },
  });
  expect(login.statusCode, login.body).toBe(200);
  const { accessToken } = login.json<{ accessToken: string }>();
  const search = (q: string, list = 'history') =>
    app.inject({
      method: 'GET',
      url: `/api/${list}?q=${q}`,
      headers: { authorization: `Bearer ${accessToken}` },
    });
  return { app, hit, search };
}

describe('history search on MongoDB without Atlas Search', () => {
  it.each([
    { list: 'history', schema: historyPageSchema, end: 'p-end' },
    { list: 'threads', schema: threadPageSchema, end: 't-end' },
  ])(
    'answers GET /api/$list?q= cut short by its time limit with the newest matches, a cursor and searchLimited',
    async ({ list, schema, end }) => {
      const { app, hit, search } = await signedInOnFakeMongo(true);
      try {
        const res = await search('linked', list);
        expect(res.statusCode).toBe(200);
        const page = schema.parse(res.json());
        expect(page.items.map((i) => i.id)).toEqual([hit._id]);
        expect(page.searchLimited).toBe(true);
        expect(decodeCursor(page.nextCursor ?? '')).toEqual({ createdAt: T0.getTime(), id: end });
      } finally {
        await app.close();
      }
    },
  );

  it('says nothing of a limit when the search finished in time', async () => {
    const { app, search } = await signedInOnFakeMongo(false);
    try {
      const res = await search('linked');
      expect(res.statusCode).toBe(200);
      expect(res.json()).not.toHaveProperty('searchLimited');
      expect(res.json()).toMatchObject({ nextCursor: null });
      const threads = await search('linked', 'threads');
      expect(threads.json()).not.toHaveProperty('searchLimited');
      expect(threads.json()).toMatchObject({ nextCursor: null });
    } finally {
      await app.close();
    }
  });
});
