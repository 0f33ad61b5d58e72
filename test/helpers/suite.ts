import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startTestServer, type TestServer, type TestServerOptions } from './app.js';
import { newAccount, registerAndLogin, type ApiClient } from './http.js';
import { startOpenAiServer, type OpenAiServerOptions, type OpenAiTestServer } from './openai-server.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

/*
 * Suite helpers in the manner of fastify/demo's `build(t)`: each one
 * registers its own beforeAll (start) and afterAll (stop) in the calling
 * describe block (or file), and returns an object that stands for the
 * started thing once beforeAll has run. Vitest runs afterAll hooks in the
 * reverse order of registration, so what is started last stops first.
 */

/** Options given as is, or computed when the suite starts (e.g. from another fixture's URL). */
export type Lazy<T> = T | (() => T | Promise<T>);

async function resolveLazy<T>(value: Lazy<T>): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : value;
}

/**
 * Starts `start()` before the suite's tests and `stop()`s it after them.
 * The returned object forwards to the started value; reading it before
 * beforeAll (at collection time) throws, so a misuse is loud.
 */
export function useSuiteFixture<T extends object>(
  start: () => Promise<T>,
  stop: (value: T) => Promise<void> | void,
): T {
  let current: T | undefined;
  const started = (prop: PropertyKey): T => {
    if (current === undefined) {
      throw new Error(`suite fixture read before its beforeAll ran (.${String(prop)})`);
    }
    return current;
  };
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    const value = current;
    current = undefined;
    if (value !== undefined) {
      await stop(value);
    }
  });
  return new Proxy({} as T, {
    get(_target, prop) {
      const value = started(prop);
      const member: unknown = Reflect.get(value, prop, value);
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(value) : member;
    },
    set: (_target, prop, value) => Reflect.set(started(prop), prop, value),
    has: (_target, prop) => prop in started(prop),
    ownKeys: () => Reflect.ownKeys(started('ownKeys')),
    getOwnPropertyDescriptor(_target, prop) {
      const descriptor = Reflect.getOwnPropertyDescriptor(started(prop), prop);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  });
}

/** The real app on a free port for this suite (see startTestServer), closed after it. */
export function useTestServer(options: Lazy<TestServerOptions> = {}): TestServer {
  return useSuiteFixture(
    async () => startTestServer(await resolveLazy(options)),
    (server) => server.close(),
  );
}

/**
 * The fake OpenAI-compatible server for this suite. With `resetEachTest`,
 * its scripts and recorded requests are forgotten before each test.
 */
export function useOpenAiServer(
  options: OpenAiServerOptions & { resetEachTest?: boolean } = {},
): OpenAiTestServer {
  const { resetEachTest = false, ...serverOptions } = options;
  const upstream = useSuiteFixture(
    () => startOpenAiServer(serverOptions),
    (server) => server.close(),
  );
  if (resetEachTest) {
    beforeEach(() => {
      upstream.reset();
    });
  }
  return upstream;
}

/** The loopback SMTP server for this suite. */
export function useSmtpServer(): TestSmtpServer {
  return useSuiteFixture(startSmtpServer, (smtp) => smtp.close());
}

/** A signed-in account of this suite (registered once, in beforeAll after the server's). */
export type SuiteSession = Awaited<ReturnType<typeof registerAndLogin>>;

/** Registers and signs in one account on `server` for the whole suite. */
export function useSignedInUser(api: ApiClient, prefix?: string): SuiteSession {
  return useSuiteFixture(
    () => registerAndLogin(api, newAccount(prefix)),
    () => undefined,
  );
}

/** A fresh temporary folder for this suite, removed after it. */
export function useTempDir(prefix: string): { path: string } {
  return useSuiteFixture(
    () => Promise.resolve({ path: fs.mkdtempSync(path.join(os.tmpdir(), prefix)) }),
    (dir) => {
      fs.rmSync(dir.path, { recursive: true, force: true });
    },
  );
}
