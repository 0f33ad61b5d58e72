import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient, newAccount, registerAndLogin } from '../helpers/http.js';
import { holdSqliteLock, releaseAllSqliteLocks } from '../helpers/sqlite-locker.js';
import { useOpenAiServer, useTestServer } from '../helpers/suite.js';

/*
 * Issue 13, findings 1 and 4: another process on the server's SQLite file.
 * The lock is real: a second process holds BEGIN IMMEDIATE (or a read
 * snapshot) until the test releases it.
 */

const upstream = useOpenAiServer();
const server = useTestServer(() => ({
  name: 'storage-faults',
  catalogue: {
    defaultModel: 'remote-chat',
    models: [remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat', { model: 'm' })],
  },
}));
const api = apiClient(() => server.url);
const dbFile = () => path.join(server.dataDir, 'codegenie.db');

afterEach(releaseAllSqliteLocks);

describe('another process holding the SQLite write lock', () => {
  it('health reports busy at once, reads answer, a write answers 503 store_busy with Retry-After, and writes work after release', async () => {
    const me = await registerAndLogin(api);
    const lock = await holdSqliteLock(dbFile(), 'write');

    // A write waits between event-loop turns for the lock...
    let writeSettled = false;
    const write = api.post('/api/auth/register', newAccount('blocked')).finally(() => {
      writeSettled = true;
    });
    // ...while health and reads are answered: they arrive before the write gives up.
    const health = await api.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', store: { code: 'store_busy' } });
    expect((await api.get('/api/auth/me', { token: me.token })).status).toBe(200);
    const history = await api.get('/api/history', { token: me.token });
    expect(history.status).toBe(200);
    expect(writeSettled).toBe(false);

    const refused = await write;
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'store_busy', message: expect.any(String) });
    expect(refused.headers.get('retry-after')).toBe('1');

    await lock.release();
    expect((await api.post('/api/auth/register', newAccount('after'))).status).toBe(201);
    await expect
      .poll(async () => (await api.get('/api/health')).body, { timeout: 5000 })
      .toEqual({ status: 'ok' });
  });
});

describe('deleting an account while another process reads the database', () => {
  it('waits for the reader, then leaves no trace of the user in codegenie.db, -wal or -shm', async () => {
    const a = newAccount('erased');
    const marker = `erase-marker-${Date.now()}`;
    const me = await registerAndLogin(api, { ...a, displayName: `Name ${marker}` } as typeof a);
    upstream.script([{ type: 'answer', text: `answer ${marker}` }]);
    expect(
      (await api.post('/api/generate', { prompt: `prompt ${marker}` }, { token: me.token })).status,
    ).toBe(200);

    // The reader's snapshot still holds the user's rows: the checkpoint cannot fold them away until it ends.
    const reader = await holdSqliteLock(dbFile(), 'read');
    let answered = false;
    const deletion = api.delete('/api/profile', { password: a.password }, { token: me.token }).finally(() => {
      answered = true;
    });
    // The rows are gone for everyone else (the delete committed) while the answer still waits for the reader.
    await expect
      .poll(async () => (await api.post('/api/auth/login', a)).status, { timeout: 10_000 })
      .toBe(401);
    expect(answered).toBe(false);
    await reader.release();
    expect((await deletion).status).toBe(204);

    const files = fs.readdirSync(server.dataDir).filter((f) => f.startsWith('codegenie.db'));
    expect(files).toEqual(expect.arrayContaining(['codegenie.db', 'codegenie.db-wal', 'codegenie.db-shm']));
    const raw = Buffer.concat(files.map((f) => fs.readFileSync(path.join(server.dataDir, f))));
    for (const needle of [a.username, a.email, marker, String(me.user.id)]) {
      expect(raw.includes(Buffer.from(needle)), needle).toBe(false);
    }
  });
});
