/**
 * The request path (issue 13, "a lean request path"): requests per second
 * of the real app against a bare Fastify app that answers the same JSON,
 * side by side in one run, and /api/health latency while 16 sign-ins hash
 * at once. The real app is built as in production: `buildApp` over the
 * embedded SQLite store in a temporary folder, logging at `info` as JSON
 * lines written synchronously to a file (what pino does with stdout). The
 * bare app has no plugins, hooks or logger. Both listen on 127.0.0.1; the
 * load comes from autocannon in a worker thread, so the client does not
 * share the servers' event loop. Rounds interleave the two sides so noise
 * from a shared machine hits both alike; the ratios are what to read.
 *
 * Run: `tsx bench/http.bench.ts` (part of `npm run bench`). BENCH_HTTP_SECONDS
 * sets the length of each run (default 4), BENCH_HTTP_ROUNDS the rounds (3),
 * BENCH_HTTP_CONNECTIONS the connections (10, autocannon's default).
 * Goals: health ≥ 60 %, /api/auth/me ≥ 50 %, a history page ≥ 30 % of the
 * bare app; health p99 ≤ 20 ms while 16 sign-ins run.
 *
 * Last, the server CPU per request: each side runs alone in a child process
 * (this file again, BENCH_HTTP_CHILD=real|bare) and reports its
 * process.cpuUsage() (user + system) before and after a run, so the client's
 * work is not counted; the machine's other load still slows both.
 * BENCH_HTTP_CPU_ONLY=1 runs that part alone.
 */
import { randomUUID } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Options, type Result } from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { SqliteStore } from '../src/server/store/sqlite/sqlite.adapter.js';
import { freePort } from '../test/helpers/app.js';
import { median } from './stats.js';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const SIGN_INS = 16;
const HISTORY_ITEMS = 20;
const PASSWORD = 'correct horse battery staple 42';

interface Endpoint {
  label: string;
  path: string;
  goal: number;
  headers: Record<string, string>;
}

interface Captured {
  status: number;
  contentType: string;
  body: string;
}

/** A JSON line file written synchronously, as pino writes to stdout by default. */
function logFile(dir: string): { write(line: string): void } {
  const fd = fs.openSync(path.join(dir, 'server.log'), 'a');
  return {
    write(line: string) {
      fs.writeSync(fd, line);
    },
  };
}

/** Starts the real app as in production (info logs, SQLite) on a free port. */
async function startReal(dir: string): Promise<{ app: FastifyInstance; url: string; store: SqliteStore }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ DATA_DIR: dir, PORT: String(port), APP_URL: url, LOG_LEVEL: 'info' });
  const store = SqliteStore.open(path.join(dir, 'codegenie.db'));
  const app = await buildApp({
    config,
    store,
    sessionSecret: randomUUID() + randomUUID(),
    logStream: logFile(dir),
  });
  await app.listen({ port, host: '127.0.0.1' });
  return { app, url, store };
}

/** A Fastify app with nothing but routes that answer what the real app answered. */
async function startBare(answers: Map<string, Captured>): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  for (const [route, answer] of answers) {
    app.get(route, async (_request, reply) =>
      reply.status(answer.status).type(answer.contentType).send(answer.body),
    );
  }
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${port}` };
}

async function call(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  if (!res.ok) {
    throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status} ${await res.text()}`);
  }
  return res;
}

/** Registers one account, signs it in, and adds HISTORY_ITEMS finished generations. */
async function seed(url: string, store: SqliteStore): Promise<{ cookie: string; username: string }> {
  const username = `bench_${randomUUID().slice(0, 8)}`;
  const json = { 'content-type': 'application/json' };
  await call(`${url}/api/auth/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username, email: `${username}@example.com`, password: PASSWORD }),
  });
  const login = await call(`${url}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const { user } = (await login.json()) as { user: { id: string } };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const start = Date.now() - HISTORY_ITEMS * 60_000;
  for (let i = 0; i < HISTORY_ITEMS; i++) {
    const id = randomUUID();
    const code = `def add_${i}(a: int, b: int) -> int:\n    """Adds two numbers."""\n    return a + b\n`;
    await store.prompts.create({
      id,
      userId: user.id,
      threadId: id,
      parentId: null,
      kind: 'generate',
      modelId: 'deepseek-coder-1.3b',
      params: { temperature: 0.2, maxTokens: 256, topP: 0.95 },
      input: `Write a Python function number ${i} that adds two numbers, with type hints and a docstring`,
      language: 'python',
      output: `Here is the function:\n\n\`\`\`python\n${code}\`\`\`\n`,
      code,
      sections: null,
      status: 'completed',
      error: null,
      promptTokens: 42,
      completionTokens: 64,
      firstTokenMs: 120,
      totalMs: 900,
      generationId: null,
      createdAt: new Date(start + i * 60_000),
      finishedAt: new Date(start + i * 60_000 + 900),
    });
  }
  return { cookie, username };
}

async function capture(url: string, headers: Record<string, string>): Promise<Captured> {
  const res = await call(url, { headers });
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? 'application/json; charset=utf-8',
    body: await res.text(),
  };
}

async function load(url: string, headers: Record<string, string>, extra: Partial<Options> = {}) {
  const result = await autocannon({
    url,
    headers,
    connections: CONNECTIONS,
    duration: SECONDS,
    workers: 1,
    ...extra,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const num = (x: number) => Math.round(x).toLocaleString('en-US').padStart(7);

/** Signs in `SIGN_INS` times at once, over and over, until `stop` is set. */
async function signInStorm(url: string, username: string, stop: { done: boolean }): Promise<number> {
  let count = 0;
  const one = async () => {
    while (!stop.done) {
      await call(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      count++;
    }
  };
  await Promise.all(Array.from({ length: SIGN_INS }, one));
  return count;
}

/** The endpoints measured, with the session cookie of the seeded account. */
function endpointsFor(cookie: string): Endpoint[] {
  return [
    { label: 'GET /api/health', path: '/api/health', goal: 0.6, headers: {} },
    { label: 'GET /api/auth/me (signed in)', path: '/api/auth/me', goal: 0.5, headers: { cookie } },
    {
      label: `GET /api/history (${HISTORY_ITEMS} items)`,
      path: '/api/history',
      goal: 0.3,
      headers: { cookie },
    },
  ];
}

/** What a child server tells the bench once it listens. */
interface ChildInfo {
  url: string;
  cookie: string;
  answers: [string, Captured][];
}

/** Child mode: one side alone in this process, reporting its CPU use when asked. */
async function serveChild(side: string): Promise<void> {
  let info: ChildInfo;
  let close: () => Promise<void>;
  if (side === 'real') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-bench-http-cpu-'));
    const real = await startReal(dir);
    const { cookie } = await seed(real.url, real.store);
    const answers: [string, Captured][] = [];
    for (const e of endpointsFor(cookie)) {
      answers.push([e.path, await capture(`${real.url}${e.path}`, e.headers)]);
    }
    info = { url: real.url, cookie, answers };
    close = async () => {
      await real.app.close();
      await real.store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const answers = JSON.parse(process.env.BENCH_HTTP_ANSWERS ?? '[]') as [string, Captured][];
    const bare = await startBare(new Map(answers));
    info = { url: bare.url, cookie: '', answers };
    close = () => bare.app.close();
  }
  process.on('message', (message) => {
    if (message === 'cpu') {
      process.send?.({ cpu: process.cpuUsage() });
    } else {
      void close().then(() => process.exit(0));
    }
  });
  process.send?.(info);
}

/** A child server and a way to read its CPU use (microseconds, user + system). */
async function startChild(side: 'real' | 'bare', answers: [string, Captured][] = []) {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: process.execArgv,
    env: { ...process.env, BENCH_HTTP_CHILD: side, BENCH_HTTP_ANSWERS: JSON.stringify(answers) },
  });
  const info = await new Promise<ChildInfo>((resolve) => {
    child.once('message', (m) => {
      resolve(m as ChildInfo);
    });
  });
  const cpu = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m) => {
        const { user, system } = (m as { cpu: NodeJS.CpuUsage }).cpu;
        resolve(user + system);
      });
      child.send('cpu');
    });
  return {
    info,
    cpu,
    stop: () => {
      child.send('exit');
    },
  };
}

/** Server CPU per request of each side, each alone in its own process. */
async function cpuPerRequest(): Promise<void> {
  const real = await startChild('real');
  const bare = await startChild('bare', real.info.answers);
  try {
    console.log('Server CPU per request (each server alone in a child process; user + system):');
    for (const e of endpointsFor(real.info.cookie)) {
      const us: Record<string, number> = {};
      for (const [side, server] of [
        ['app', real],
        ['bare', bare],
      ] as const) {
        const url = `${server.info.url}${e.path}`;
        await load(url, e.headers, { duration: 1 }); // warm-up
        const before = await server.cpu();
        const result = await load(url, e.headers);
        us[side] = ((await server.cpu()) - before) / result.requests.total;
      }
      console.log(
        `  ${e.label.padEnd(32)} app ${(us.app ?? 0).toFixed(1).padStart(6)} µs  bare ${(us.bare ?? 0).toFixed(1).padStart(6)} µs`,
      );
    }
  } finally {
    real.stop();
    bare.stop();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-bench-http-'));
  const real = await startReal(dir);
  let bare: { app: FastifyInstance; url: string } | undefined;
  try {
    const { cookie, username } = await seed(real.url, real.store);
    const endpoints = endpointsFor(cookie);
    const answers = new Map<string, Captured>();
    for (const e of endpoints) {
      answers.set(e.path, await capture(`${real.url}${e.path}`, e.headers));
    }
    bare = await startBare(answers);
    const bareUrl = bare.url;

    console.log(
      `Request path: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ` +
        `${ROUNDS} rounds of ${SECONDS} s per side, ${CONNECTIONS} connections`,
    );
    for (const e of endpoints) {
      const rps: { real: number[]; bare: number[] } = { real: [], bare: [] };
      await load(`${real.url}${e.path}`, e.headers, { duration: 1 }); // warm-up
      await load(`${bareUrl}${e.path}`, e.headers, { duration: 1 });
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which side goes first, so a trend in machine load favours neither.
        const order: ('real' | 'bare')[] = round % 2 === 0 ? ['real', 'bare'] : ['bare', 'real'];
        for (const side of order) {
          const base = side === 'real' ? real.url : bareUrl;
          rps[side].push((await load(`${base}${e.path}`, e.headers)).requests.average);
        }
      }
      const ratio = median(rps.real) / median(rps.bare);
      console.log(
        `  ${e.label.padEnd(32)} app ${num(median(rps.real))} req/s  bare ${num(median(rps.bare))} req/s  ` +
          `ratio ${pct(ratio).padStart(7)}  (goal ≥ ${pct(e.goal)}) ${ratio >= e.goal ? 'ok' : 'MISSED'}`,
      );
    }

    // Latency at a steady 1,000 requests/s: queueing at full load would measure throughput again.
    const paced = { overallRate: 1000, duration: SECONDS * 2 };
    const quiet = await load(`${real.url}/api/health`, {}, paced);
    const stop = { done: false };
    const storm = signInStorm(real.url, username, stop);
    const busy = await load(`${real.url}/api/health`, {}, paced);
    stop.done = true;
    const signIns = await storm;
    const line = (label: string, r: Result) =>
      `  ${label.padEnd(32)} p50 ${r.latency.p50.toFixed(1).padStart(5)} ms  p99 ${r.latency.p99.toFixed(1).padStart(5)} ms  max ${r.latency.max.toFixed(1).padStart(6)} ms`;
    console.log(`Health latency at 1,000 req/s (${CONNECTIONS} connections):`);
    console.log(line('idle', quiet));
    console.log(
      `${line(`while ${SIGN_INS} sign-ins run`, busy)}  (goal p99 ≤ 20 ms) ${busy.latency.p99 <= 20 ? 'ok' : 'MISSED'}`,
    );
    console.log(`  sign-ins completed meanwhile: ${signIns} (${(signIns / (SECONDS * 2)).toFixed(1)}/s)`);
  } finally {
    await bare?.app.close();
    await real.app.close();
    await real.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await cpuPerRequest();
}

const childSide = process.env.BENCH_HTTP_CHILD;
if (childSide) {
  await serveChild(childSide);
} else if (process.env.BENCH_HTTP_CPU_ONLY === '1') {
  await cpuPerRequest();
} else {
  await main();
}
