import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';
import { fixturePrompt } from '../../src/server/store/store-prompts.contract.js';
import { fixtureUser } from '../../src/server/store/store-fixtures.js';
import { startTestServer } from '../helpers/app.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-recovery-'));
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('after a crash mid-generation', () => {
  it('the next start-up marks the record failed, keeping its partial output', async () => {
    // A previous process that died while generating left this behind.
    const crashed = SqliteStore.open(path.join(dataDir, 'codegenie.db'));
    const user = await crashed.users.create(fixtureUser());
    const running = await crashed.prompts.create(fixturePrompt(user.id, { output: 'def add(a, b):' }));
    const finished = await crashed.prompts.create(
      fixturePrompt(user.id, { status: 'completed', output: 'done', finishedAt: new Date() }),
    );
    await crashed.close();

    const server = await startTestServer({ name: 'recovery', dataDir });
    try {
      const record = await server.store.prompts.findById(running.id);
      expect(record).toMatchObject({
        status: 'failed',
        output: 'def add(a, b):',
        error: { code: 'interrupted', message: 'The server stopped during this generation.' },
      });
      expect(record?.finishedAt).toBeInstanceOf(Date);
      expect(await server.store.prompts.findById(finished.id)).toEqual(finished);
    } finally {
      await server.close();
    }
  });
});
