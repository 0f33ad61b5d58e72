import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';
import type { Store } from '../../src/server/store/store.port.js';
import { TEST_SESSION_SECRET } from '../helpers/app.js';
import { logSink } from '../helpers/secrets.js';
import { useTempDir } from '../helpers/suite.js';

/**
 * Issue 13, finding 9: forgot-password answers first, for every email, and
 * only then looks the account up and writes. The order of events is
 * checked, never a time (the timing figure is in bench/login-timing.bench.ts).
 */
const data = useTempDir('codegenie-answer-first-');
let app: FastifyInstance | undefined;
let store: SqliteStore | undefined;

afterEach(async () => {
  await app?.close();
  await store?.close();
});

async function appRecording(events: string[]): Promise<FastifyInstance> {
  const dataDir = path.join(data.path, String(Math.random()).slice(2));
  store = SqliteStore.open(path.join(dataDir, 'codegenie.db'));
  const config = loadConfig({ DATA_DIR: dataDir, APP_URL: 'http://127.0.0.1:1', LOG_LEVEL: 'debug' });
  const spied = spyOnLookup(store, events);
  const created = await buildApp({
    config,
    store: spied,
    sessionSecret: TEST_SESSION_SECRET,
    logStream: logSink('answer-first'),
  });
  created.addHook('onResponse', async (request) => {
    if (request.url === '/api/auth/forgot-password') {
      events.push('answered');
    }
  });
  app = created;
  return created;
}

/** The store with `users.findByEmail` recording 'lookup' (wrapped: the adapter's repositories are proxies). */
function spyOnLookup(store: Store, events: string[]): Store {
  const users = store.users;
  const bound = (target: object, prop: string | symbol): unknown => {
    const value: unknown = Reflect.get(target, prop, target);
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  };
  const spiedUsers = new Proxy(users, {
    get: (target, prop) =>
      prop === 'findByEmail'
        ? async (email: string) => {
            events.push('lookup');
            return users.findByEmail(email);
          }
        : bound(target, prop),
  });
  return new Proxy(store, { get: (target, prop) => (prop === 'users' ? spiedUsers : bound(target, prop)) });
}

describe('POST /api/auth/forgot-password', () => {
  it.each([
    ['an existing account', true],
    ['an unknown email', false],
  ])('answers 202 for %s before the account is looked up', async (_label, exists) => {
    const events: string[] = [];
    const server = await appRecording(events);
    const email = 'answer.first@example.com';
    if (exists) {
      const res = await server.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { username: 'answerfirst', email, password: 'a long enough pass 77' },
      });
      expect(res.statusCode).toBe(201);
    }
    events.length = 0;
    const res = await server.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email } });
    expect(res.statusCode).toBe(202);
    await server.services.passwordReset.idle();
    expect(events).toEqual(['answered', 'lookup']);
  });
});
