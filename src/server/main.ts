import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { startSessionPurge } from './jobs/session-purge.job.js';
import { resolveSessionSecret } from './session-secret.js';
import { createStore, describeStore } from './store/index.js';
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

  let store;
  try {
    store = await createStore(config.database, { busyTimeoutMs: config.storeBusyTimeoutMs });
  } catch (error) {
    // The adapters' messages name the place and the likely cause, never a password.
    process.stderr.write(
      `CodeGenie cannot start.\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
  const sessionSecret = resolveSessionSecret(config.sessionSecret, config.dataDir);
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
  const local = viaLink ? ` (on this machine: ${localAddress(config.server)})` : '';
  process.stdout.write(`\nCodeGenie is running at ${config.appUrl}${local}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `CodeGenie failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
