import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/server/app.js';
import type { Clock } from '../../src/server/clock.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import type { MailRetryOptions } from '../../src/server/mail/mail.service.js';
import type { PasswordHasher } from '../../src/server/services/password-hasher.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';
import type { Store } from '../../src/server/store/store.port.js';
import { startPublicLink } from '../../src/server/tunnel/public-link.js';
import type { TunnelPort } from '../../src/server/tunnel/tunnel.port.js';
import { logSink } from './secrets.js';

/** The session secret every test server signs with (tests forge tokens with it). */
export const TEST_SESSION_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

/**
 * The built web app the browser tests load: dist/web, or TEST_WEB_ROOT when a
 * build was written elsewhere (`vite build --outDir`), so two builds never clash.
 */
export const WEB_ROOT = process.env.TEST_WEB_ROOT ?? path.resolve(import.meta.dirname, '../../dist/web');

export interface TestServerOptions {
  /** Extra environment, as a user would set it (e.g. LOGIN_MAX_FAILURES_PER_ACCOUNT). */
  env?: Record<string, string>;
  clock?: Clock;
  hasher?: PasswordHasher;
  /** Serve the built web app (WEB_ROOT: browser tests), or the web root in this folder. */
  web?: boolean | string;
  /** A name for the log file. */
  name?: string;
  /** A model catalogue written to DATA_DIR/models.json and used as MODELS_FILE. */
  catalogue?: { defaultModel: string; models: Record<string, unknown>[] };
  /** Use this data folder (and keep it on close) instead of a fresh one. */
  dataDir?: string;
  /** Mail retries; default 3 tries 50 ms apart so fault tests stay fast. */
  mailRetry?: Partial<MailRetryOptions>;
  /** When remote model servers found unavailable are checked again (short in tests that wait for it). */
  modelStatusChecks?: AppDeps['modelStatusChecks'];
  /** A public link opened as main.ts opens ngrok's (test/helpers/fake-tunnel.ts); its URL becomes APP_URL. */
  tunnel?: TunnelPort;
}

export interface TestServer {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  store: Store;
  config: Config;
  dataDir: string;
  logFile: string;
  /** Stops the server, closes the store and removes the data folder. */
  close(): Promise<void>;
}

/**
 * Starts the real app on 127.0.0.1 and a free port, with a real SQLite file
 * in a fresh temporary folder, and logs (level debug) in test-results/logs
 * for the log audit. APP_URL is the server's own URL.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-test-'));
  const modelsFile = path.join(dataDir, 'models.json');
  if (options.catalogue) {
    fs.writeFileSync(modelsFile, JSON.stringify(options.catalogue, null, 2));
  }
  // Synchronous appends: a test can read the log right after the event.
  const logStream = logSink(options.name ?? 'api');
  const logFile = logStream.file;
  const store = SqliteStore.open(path.join(dataDir, 'codegenie.db'));

  // APP_URL must name the port, which is only known after listening: bind
  // a throwaway config first, then rebuild with the real URL.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configured = loadConfig({
    DATA_DIR: dataDir,
    PORT: String(port),
    APP_URL: url,
    LOG_LEVEL: 'debug',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
    LOGIN_MAX_FAILURES_PER_IP: '1000',
    RESET_MAX_PER_IP_PER_HOUR: '1000',
    GENERATIONS_PER_MINUTE: '1000',
    // A run left by its client is stopped after this long: tests that close a stream wait 1 s, not 60.
    RUN_DETACHED_GRACE_SECONDS: '1',
    MODELS_GPU: 'off',
    ...(options.catalogue ? { MODELS_FILE: modelsFile } : {}),
    ...options.env,
  });
  const { config, link } = await startPublicLink(configured, options.tunnel, () => undefined);
  const app = await buildApp({
    config,
    store,
    sessionSecret: TEST_SESSION_SECRET,
    clock: options.clock,
    hasher: options.hasher,
    logStream,
    mailRetry: options.mailRetry ?? { attempts: 3, baseDelayMs: 50 },
    modelStatusChecks: options.modelStatusChecks,
    webRoot: typeof options.web === 'string' ? options.web : options.web ? WEB_ROOT : undefined,
    publicLink: link,
  });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    url,
    store,
    config,
    dataDir,
    logFile,
    async close() {
      await app.close();
      await store.close();
      if (!options.dataDir) {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** A port the OS considers free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}
