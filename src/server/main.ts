import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startSessionPurge } from './jobs/session-purge.job.js';
import { resolveSessionSecret, SESSION_SECRET_NAME } from './session-secret.js';
import { isWorker, runWorkers, servesItself } from './workers.js';
import { createStore, describeStore } from './store/index.js';
import { LateLogger } from './late-logger.js';
import { localAddress, startPublicLink } from './tunnel/public-link.js';
import { createTunnel } from './tunnel/index.js';

/**
 * The built web app: dist/web next to the compiled server (dist/server), or
 * dist/web from the project root when run from src/ with tsx. Only a built
 * app counts (it has an assets/ folder); src/web is its unbuilt source.
 */
function findWebRoot(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')];
  return candidates.find(
    (dir) => fs.existsSync(path.join(dir, 'index.html')) && fs.existsSync(path.join(dir, 'assets')),
  );
}

async function main(): Promise<void> {
  // A .env file in the working directory is read if present; real
  // environment variables win over it.
  if (fs.existsSync('.env')) {
    process.loadEnvFile('.env');
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`CodeGenie cannot start.\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  if (!servesItself(config.webConcurrency)) {
    startWorkers(config);
    return;
  }

  // The store connects before the app (and its logger) exists: its lines (connected, connection lost
  // and back) are kept and written to the app's log once it is built.
  const storeLog = new LateLogger();
  let store;
  try {
    store = await createStore(config.database, {
      busyTimeoutMs: config.storeBusyTimeoutMs,
      maxPoolSize: config.mongoMaxPoolSize,
      indexTimeoutMs: config.mongoIndexTimeoutMs,
      log: storeLog,
    });
  } catch (error) {
    // The adapters' messages name the place and the likely cause, never a password.
    process.stderr.write(
      `CodeGenie cannot start.\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
  // Unset SESSION_SECRET: one generated secret in the store, so a session from one instance holds on every other.
  const sessionSecret = await resolveSessionSecret(config.sessionSecret, config.dataDir, (candidate) =>
    store.counters.keepSecret(SESSION_SECRET_NAME, candidate, Date.now()),
  );
  // With NGROK_AUTHTOKEN: the public https URL becomes APP_URL (or, failing that, the reason is printed).
  const publicLink = await startPublicLink(config, await createTunnel(config), (line) => {
    process.stdout.write(`${line}\n`);
  });
  const viaLink = publicLink.config !== config;
  config = publicLink.config;
  const app = await buildApp({
    config,
    store,
    sessionSecret,
    webRoot: findWebRoot(),
    publicLink: publicLink.link,
  });
  storeLog.attach(app.log);

  const purge = startSessionPurge({
    sessions: store.sessions,
    clock: systemClock,
    idleMs: config.sessions.idleMs,
    log: app.log,
  });

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) {
      return;
    }
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await purge.stop();
    await app.close();
    await publicLink.link?.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.server.port, host: config.server.host });
  app.log.info(describeStore(config.database), 'store ready');
  if (isWorker()) {
    // The first process says when every worker listens; each worker's pid is on its log lines.
    app.log.info('worker listening');
    return;
  }
  const local = viaLink ? ` (on this machine: ${localAddress(config.server)})` : '';
  process.stdout.write(`\nCodeGenie is running at ${config.appUrl}${local}\n\n`);
}

/**
 * WEB_CONCURRENCY=N (N > 1): this process forks N workers on one port and
 * serves nothing itself (see workers.ts); it prints the ready line once
 * every worker listens.
 */
function startWorkers(config: Config): void {
  if (config.publicLink !== undefined) {
    // Each worker would open a tunnel of its own, with a URL the others do not know.
    process.stderr.write(
      'CodeGenie cannot start.\nNGROK_AUTHTOKEN (the public link) needs WEB_CONCURRENCY=1: unset one of them.\n',
    );
    process.exit(1);
  }
  runWorkers({
    count: config.webConcurrency,
    onReady: () => {
      process.stdout.write(
        `\nCodeGenie is running at ${config.appUrl} (${config.webConcurrency} workers)\n\n`,
      );
    },
    report: (line) => {
      process.stderr.write(`${line}\n`);
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `CodeGenie failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
