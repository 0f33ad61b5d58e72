import { afterAll, describe, expect, it } from 'vitest';
import { fixturePrompt } from '../../src/server/store/store-prompts.contract.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { useOpenAiServer, useTestServer } from '../helpers/suite.js';

// The unfiltered first page is kept between requests while the store's listing
// revision is unchanged: every write to the user's records must show at once,
// including writes by another instance on the same database.
const upstream = useOpenAiServer();
const server = useTestServer(() => ({
  name: 'history-first-page',
  catalogue: {
    defaultModel: 'remote-chat',
    models: [remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat')],
  },
}));
const api = apiClient(() => server.url);
let other: TestServer | undefined;
afterAll(async () => {
  await other?.close();
});

async function titles(token: string): Promise<string[]> {
  const res = await api.get('/api/history', { token });
  expect(res.status).toBe(200);
  return (res.body.items as { title: string }[]).map((item) => item.title);
}

describe('the first history page, read again', () => {
  it('shows a new generation and a deletion at once', async () => {
    const { token } = await registerAndLogin(api);
    expect(await titles(token)).toEqual([]);
    upstream.script([{ type: 'answer', text: 'def a(): pass' }]);
    expect((await api.post('/api/generate', { prompt: 'first request' }, { token })).status).toBe(200);
    expect(await titles(token)).toEqual(['first request']);
    upstream.script([{ type: 'answer', text: 'def b(): pass' }]);
    expect((await api.post('/api/generate', { prompt: 'second request' }, { token })).status).toBe(200);
    const page = await api.get('/api/history', { token });
    expect(page.body.items.map((i: { title: string }) => i.title)).toEqual([
      'second request',
      'first request',
    ]);
    expect((await api.delete(`/api/history/${page.body.items[0].id}`, undefined, { token })).status).toBe(
      204,
    );
    expect(await titles(token)).toEqual(['first request']);
  });

  it('shows what another instance on the same database wrote, and a run finishing there', async () => {
    const me = await registerAndLogin(api);
    expect(await titles(me.token)).toEqual([]);
    other = await startTestServer({ dataDir: server.dataDir, name: 'history-first-page-b' });
    const run = await other.store.prompts.create(fixturePrompt(me.user.id, { input: 'written elsewhere' }));
    const first = await api.get('/api/history', { token: me.token });
    expect(first.body.items.map((i: { title: string; status: string }) => [i.title, i.status])).toEqual([
      ['written elsewhere', 'running'],
    ]);
    await other.store.prompts.finish(run.id, {
      ...run,
      status: 'completed',
      output: 'done',
      finishedAt: new Date(),
    });
    const again = await api.get('/api/history', { token: me.token });
    expect(again.body.items.map((i: { status: string }) => i.status)).toEqual(['completed']);
  });
});
