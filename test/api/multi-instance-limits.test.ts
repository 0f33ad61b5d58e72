import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newAccount } from '../helpers/http.js';
import { secret } from '../helpers/secrets.js';
import { logLines, useServerProcesses, type ServerProcess } from '../helpers/server-process.js';
import { useOpenAiServer, useTempDir } from '../helpers/suite.js';
import { generateCatalogue } from './support/generate-suite.js';

/**
 * Several real app processes on one SQLite file (issue 14, section 2):
 * sign-in failures, lock-outs and the generated session secret live in the
 * store, so they hold whichever process a request reaches; and
 * WEB_CONCURRENCY=2 runs two workers on one port that share them.
 */
const servers = useServerProcesses();
const dir = useTempDir('codegenie-multi-');
/** A new empty folder inside the suite's temporary one. */
const tmp = () => fs.mkdtempSync(path.join(dir.path, 'dir-'));

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One request on a connection of its own (no keep-alive), so that under
 * WEB_CONCURRENCY the cluster's round-robin hands each one to the next worker.
 */
function send(
  base: string,
  method: string,
  urlPath: string,
  body?: unknown,
  token?: string,
): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${urlPath}`,
      {
        method,
        agent: false,
        headers: {
          connection: 'close',
          origin: base,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (part: string) => (text += part));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The pids of the processes that wrote log lines with this message. */
function pidsOf(server: ServerProcess, message: string): Set<number> {
  return new Set(
    logLines(server).flatMap((l) => (l.msg === message && typeof l.pid === 'number' ? [l.pid] : [])),
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function register(base: string): Promise<{ username: string; password: string; token: string }> {
  const account = newAccount();
  const res = await send(base, 'POST', '/api/auth/register', account);
  expect(res.status).toBe(201);
  const login = await send(base, 'POST', '/api/auth/login', {
    username: account.username,
    password: account.password,
  });
  expect(login.status).toBe(200);
  return {
    username: account.username,
    password: account.password,
    token: secret(String(login.body.accessToken)),
  };
}

describe('several instances on one store', () => {
  const upstream = useOpenAiServer();
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    ({
      servers: [a, b],
    } = await servers.startOnOneStore(dir.path, ['instance-a', 'instance-b'], {
      catalogue: generateCatalogue(upstream.baseUrl),
      env: { GENERATIONS_PER_MINUTE: '2' },
    }));
  });

  it('share the session secret they generated: a session signed by one holds on the other', async () => {
    const user = await register(a.url);
    const me = await send(b.url, 'GET', '/api/auth/me', undefined, user.token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { username: user.username } });
  });

  it('lock the account after five failed sign-ins spread over the two instances', async () => {
    const user = await register(a.url);
    const wrong = { username: user.username, password: `${user.password}-wrong` };
    // Three on A and two on B: neither saw five, the store did.
    for (const server of [a, b, a, b, a]) {
      expect((await send(server.url, 'POST', '/api/auth/login', wrong)).status).toBe(401);
    }
    for (const server of [a, b]) {
      const locked = await send(server.url, 'POST', '/api/auth/login', {
        username: user.username,
        password: user.password,
      });
      expect(locked.status).toBe(429);
    }
  });

  it('count generations per minute together: one on each instance uses up a limit of two', async () => {
    const user = await register(a.url);
    expect((await send(a.url, 'POST', '/api/generate', { prompt: 'one' }, user.token)).status).toBe(200);
    expect((await send(b.url, 'POST', '/api/generate', { prompt: 'two' }, user.token)).status).toBe(200);
    for (const server of [a, b]) {
      const over = await send(server.url, 'POST', '/api/generate', { prompt: 'three' }, user.token);
      expect(over.status).toBe(429);
    }
  });
});

describe('WEB_CONCURRENCY=2', () => {
  /** One server process with two workers, once both listen. */
  async function startTwoWorkers(name: string): Promise<ServerProcess> {
    const server = await servers.start({ dataDir: tmp(), name, env: { WEB_CONCURRENCY: '2' } });
    await expect.poll(() => pidsOf(server, 'worker listening').size).toBe(2);
    return server;
  }

  it('runs two workers on one port that share one set of limits', async () => {
    const server = await startTwoWorkers('web-concurrency');
    const user = await register(server.url);
    const wrong = { username: user.username, password: `${user.password}-wrong` };
    for (let i = 0; i < 5; i++) {
      expect((await send(server.url, 'POST', '/api/auth/login', wrong)).status).toBe(401);
    }
    // The failures landed on both workers, and together they lock the account on either.
    const workers = pidsOf(server, 'worker listening');
    const failedOn = new Set(
      logLines(server).flatMap((l) =>
        typeof l.pid === 'number' && (l.audit as { event?: string } | undefined)?.event === 'login_failed'
          ? [l.pid]
          : [],
      ),
    );
    expect(failedOn).toEqual(workers);
    for (let i = 0; i < 2; i++) {
      const locked = await send(server.url, 'POST', '/api/auth/login', {
        username: user.username,
        password: user.password,
      });
      expect(locked.status).toBe(429);
    }
  });

  it('starts another worker when one dies, and stops every worker on SIGTERM', async () => {
    const server = await startTwoWorkers('web-concurrency-restart');
    const [victim] = [...pidsOf(server, 'worker listening')];
    if (victim === undefined) {
      throw new Error('a worker should be listening');
    }
    process.kill(victim, 'SIGKILL');
    // A third pid: the replacement listens on the same port.
    await expect.poll(() => pidsOf(server, 'worker listening').size, { timeout: 20_000 }).toBe(3);
    for (let i = 0; i < 4; i++) {
      expect((await send(server.url, 'GET', '/api/health')).status).toBe(200);
    }

    const exit = await server.kill('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of pidsOf(server, 'worker listening')) {
      expect(alive(pid)).toBe(false);
    }
    expect(fs.readFileSync(server.logFile, 'utf8')).toMatch(
      /Worker \d+ ended unexpectedly \(SIGKILL\): starting another/,
    );
  });
});
