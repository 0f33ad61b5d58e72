import { afterAll, describe, expect, it } from 'vitest';
import { FakeMongod } from '../helpers/fake-mongod.js';
import { logLines, useServerProcesses } from '../helpers/server-process.js';
import { useTempDir } from '../helpers/suite.js';

/**
 * Issue 16 item 7, as an operator meets it: the real server (main.ts in a
 * child process) on MongoDB (the wire-protocol test server, on loopback)
 * writes its store's lines to its log: connected, and once running a lost
 * server and its return. The unit test (mongo-connection-log.test.ts) takes
 * createStore's path; this one fails if main.ts opens the store without its log.
 */
const servers = useServerProcesses();
const dir = useTempDir('codegenie-mongo-process-');
const mongod = new FakeMongod();
afterAll(() => mongod.stop());

const messages = (lines: Record<string, unknown>[]) => lines.map((line) => String(line.msg));

describe('the server on MongoDB', () => {
  it('logs the store connected, a lost MongoDB server and its return', async () => {
    await mongod.start();
    const server = await servers.start({
      name: 'mongo-process',
      dataDir: dir.path,
      // Given, so start-up does not keep a generated one in the store (the fake keeps no documents).
      env: { DATABASE_URL: `mongodb://127.0.0.1:${mongod.port}/cg`, SESSION_SECRET: 's'.repeat(64) },
    });
    await expect.poll(() => messages(logLines(server))).toContain('MongoDB store connected');

    const port = mongod.port;
    await mongod.stop();
    // The heartbeat's store writes find the server gone.
    await expect
      .poll(() => messages(logLines(server)), { timeout: 20_000 })
      .toContainEqual(expect.stringMatching(/^MongoDB server unreachable/));
    await mongod.start(port);
    await expect
      .poll(() => messages(logLines(server)), { timeout: 20_000 })
      .toContain('MongoDB server reachable again');
  });
});
