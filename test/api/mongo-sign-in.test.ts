import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { useFakeMongoStore } from '../helpers/fake-mongo-store.js';
import { useTempDir } from '../helpers/suite.js';

/**
 * Sign-in on the MongoDB adapter (issue 16, item 10), through the real app
 * on the wire-protocol test server: a username or address starting with `$`
 * is simply unknown, 401 as on SQLite, never a 400 from the adapter's filter
 * guard, and it never reaches the server. An operator object is still refused.
 */
const open = useFakeMongoStore();
const dir = useTempDir('codegenie-mongo-sign-in-');

async function appOnFakeMongo() {
  const { server, store } = await open();
  const config = loadConfig({ DATA_DIR: dir.path, MODELS_GPU: 'off', LOG_LEVEL: 'error' });
  const app = await buildApp({ config, store, sessionSecret: 's'.repeat(64) });
  return { server, app };
}

describe('sign-in on MongoDB with a name starting with $', () => {
  it('answers 401 for a $-username or $-address, asking the server nothing about it', async () => {
    const { server, app } = await appOnFakeMongo();
    try {
      for (const username of ['$where', '$gt@example.com']) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username, password: 'any password 1' },
        });
        expect(res.statusCode, username).toBe(401);
        expect(res.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
      }
      const userFinds = server.commands.filter((c) => c.find === 'users');
      expect(JSON.stringify(userFinds)).not.toContain('$where');
      expect(JSON.stringify(userFinds)).not.toContain('$gt@');
      const operator = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: { $gt: '' }, password: 'any password 1' },
      });
      expect(operator.statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });
});
