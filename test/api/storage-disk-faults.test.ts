import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';
import { freePort, startTestServer, type TestServer } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { apiClient, newAccount, registerAndLogin, type ApiClient } from '../helpers/http.js';
import {
  canMountExt4,
  fillDisk,
  isRoot,
  mountExt4,
  mountTmpfs,
  shutDownExt4,
  warnSkipped,
  type Mount,
} from '../helpers/mounts.js';

/*
 * Issue 13, finding 2: a full disk and a read-only one, made real. Mounting
 * needs root: without it the tmpfs and ext4 tests skip themselves and say
 * so; the read-only start-up test then uses a chmod 0555 folder instead.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

function keep(mount: Mount): Mount {
  cleanups.push(() => {
    mount.unmount();
  });
  return mount;
}

/** A registration (a write) is refused with `status` and `code`, and health says why. */
async function expectWritesRefused(api: ApiClient, status: number, code: string): Promise<void> {
  const refused = await api.post('/api/auth/register', newAccount('refused'));
  expect(refused.status).toBe(status);
  expect(refused.body.error).toMatchObject({ code, message: expect.any(String) });
  expect((await api.get('/api/health')).body).toMatchObject({ status: 'degraded', store: { code } });
}

async function serverOn(dir: string, name: string): Promise<TestServer> {
  const server = await startTestServer({ dataDir: dir, name });
  cleanups.push(() => server.close());
  return server;
}

if (!isRoot) {
  warnSkipped('storage-disk-faults full-disk test', 'mounting a small tmpfs needs root');
}
if (!canMountExt4()) {
  warnSkipped(
    'storage-disk-faults read-only-at-run-time test',
    'needs root, mkfs.ext4, python3 and loop devices to mount an ext4 image and shut its disk down',
  );
}

describe('a full disk', () => {
  it.skipIf(!isRoot)(
    'answers 507 store_full and health degraded, keeps reads, and comes back by itself once space is freed',
    async () => {
      const disk = keep(mountTmpfs(8 * 1024));
      const server = await serverOn(disk.dir, 'storage-full');
      const api = apiClient(server.url);
      const me = await registerAndLogin(api);

      const filler = fillDisk(disk.dir);
      await expectWritesRefused(api, 507, 'store_full');
      expect((await api.get('/api/auth/me', { token: me.token })).status).toBe(200);

      fs.rmSync(filler);
      await expect
        .poll(async () => (await api.get('/api/health')).body, { timeout: 5000 })
        .toEqual({ status: 'ok' });
      expect((await api.post('/api/auth/register', newAccount('space'))).status).toBe(201);
    },
  );
});

describe('a read-only disk', () => {
  it('refuses to start on a read-only DATA_DIR, naming the path', async () => {
    let dir: string;
    if (isRoot) {
      // Root ignores file modes: a read-only mount is read-only for root too.
      dir = keep(mountTmpfs(1024, { readOnly: true })).dir;
    } else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-ro-'));
      fs.chmodSync(dir, 0o555);
      cleanups.push(() => {
        fs.rmSync(dir, { recursive: true, force: true });
      });
    }
    expect(() => SqliteStore.open(path.join(dir, 'codegenie.db'))).toThrow(dir);

    const port = await freePort();
    const run = await runCli('test/helpers/server-child.ts', [], {
      env: {
        DATA_DIR: dir,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: '',
        SESSION_SECRET: '',
        MODELS_GPU: 'off',
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CodeGenie cannot start.');
    expect(run.stderr).toContain(path.join(dir, 'codegenie.db'));
    expect(run.stderr).toMatch(/read-only/);
  });

  it.skipIf(!canMountExt4())(
    'answers 503 store_read_only and health degraded when the disk stops taking writes at run time',
    async () => {
      const disk = keep(mountExt4(16));
      const server = await serverOn(disk.dir, 'storage-read-only');
      const api = apiClient(server.url);
      await registerAndLogin(api);

      shutDownExt4(disk.dir);
      await expectWritesRefused(api, 503, 'store_read_only');
    },
  );
});
