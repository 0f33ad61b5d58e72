import { describe, expect, it } from 'vitest';
import { fixturePrompt } from '../../src/server/store/store-prompts.contract.js';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient, registerAndLogin, type Json } from '../helpers/http.js';
import { useOpenAiServer, useTestServer } from '../helpers/suite.js';

const upstream = useOpenAiServer();
const server = useTestServer(() => ({
  name: 'history',
  catalogue: {
    defaultModel: 'remote-chat',
    models: [
      remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat', { model: 'chat-model' }),
      remoteModel(upstream.baseUrl, 'remote-base', 'Remote Base', {
        model: 'base-model',
        format: 'completion',
      }),
    ],
  },
}));
const api = apiClient(() => server.url);

/** Adds `n` records straight to the store, one minute apart. */
async function seed(userId: string, n: number, start = Date.now() - n * 60_000) {
  for (let i = 0; i < n; i++) {
    await server.store.prompts.create(
      fixturePrompt(userId, {
        input: `seeded prompt ${i}`,
        createdAt: new Date(start + i * 60_000),
        status: 'completed',
        finishedAt: new Date(start + i * 60_000 + 500),
      }),
    );
  }
}

async function allPages(token: string, query: string, limit = 7): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await api.get(`/api/history?limit=${limit}${query}${suffix}`, { token });
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('GET /api/history', () => {
  it('lists what I generated, newest first, with the list fields', async () => {
    const { token } = await registerAndLogin(api);
    await api.post(
      '/api/generate',
      { prompt: 'First: add numbers\nmore detail', language: 'python' },
      { token },
    );
    await api.post(
      '/api/generate',
      { prompt: 'Second one', modelId: 'remote-base', language: 'go' },
      { token },
    );
    const res = await api.get('/api/history', { token });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items[0]).toMatchObject({
      title: 'Second one',
      modelId: 'remote-base',
      language: 'go',
      kind: 'generate',
    });
    expect(res.body.items[1]).toMatchObject({
      title: 'First: add numbers',
      status: 'completed',
      totalMs: expect.any(Number),
      completionTokens: expect.any(Number),
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('pages with a cursor without duplicates or gaps while new items arrive', async () => {
    const { token, user } = await registerAndLogin(api);
    await seed(user.id, 30);
    const first = await api.get('/api/history?limit=10', { token });
    // New work arrives between pages.
    await api.post('/api/generate', { prompt: 'arrived later' }, { token });
    await seed(user.id, 3, Date.now());
    const seen: string[] = first.body.items.map((i: Json) => i.id);
    let cursor = first.body.nextCursor as string | null;
    while (cursor) {
      const page = await api.get(`/api/history?limit=10&cursor=${encodeURIComponent(cursor)}`, { token });
      seen.push(...page.body.items.map((i: Json) => i.id));
      cursor = page.body.nextCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    const titles = (await allPages(token, '', 100)).map((i) => i.title);
    expect(titles[0]).not.toBe('seeded prompt 29'); // the newer ones come first
    expect(titles).toHaveLength(34);
  });

  it('searches and filters', async () => {
    const { token } = await registerAndLogin(api);
    upstream.script([{ type: 'answer', text: 'Uses a QUICKSORT partition' }]);
    await api.post('/api/generate', { prompt: 'Sort an array fast', language: 'rust' }, { token });
    await api.post(
      '/api/generate',
      { prompt: 'Read a file', language: 'python', modelId: 'remote-base' },
      { token },
    );
    await api.post('/api/explain', { code: 'x = 1', language: 'python' }, { token });
    const titles = async (query: string) => (await allPages(token, query)).map((i) => i.title).sort();
    expect(await titles('&q=quicksort')).toEqual(['Sort an array fast']);
    expect(await titles('&q=read a')).toEqual(['Read a file']);
    expect(await titles('&kind=explain')).toEqual(['x = 1']);
    expect(await titles('&language=rust')).toEqual(['Sort an array fast']);
    expect(await titles('&modelId=remote-base')).toEqual(['Read a file']);
    expect(await titles('&status=completed')).toHaveLength(3);
    expect(await titles('&status=failed')).toEqual([]);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(await titles(`&from=${tomorrow}`)).toEqual([]);
    expect(await titles(`&to=${tomorrow}`)).toHaveLength(3);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['status=done', 'status'],
    ['kind=chat', 'kind'],
    ['from=yesterday', 'from'],
    ['cursor=bogus', 'cursor'],
    ['extra=1', 'extra'],
  ])('refuses ?%s with 400', async (query, field) => {
    const { token } = await registerAndLogin(api);
    const res = await api.get(`/api/history?${query}`, { token });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.details.fields)).toContain(field);
  });

  it.each([
    '"""',
    '"',
    '\\',

    'NEAR(a b)',
    '*',
    '^abc',
    '🦊🦊🦊',
    'x'.repeat(200),
    "'; DROP TABLE prompts; --",
  ])('answers a search for %j without a server error', async (q) => {
    const { token } = await registerAndLogin(api);
    const res = await api.get(`/api/history?q=${encodeURIComponent(q)}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  it('refuses a NUL in the search text with 400', async () => {
    const { token } = await registerAndLogin(api);
    const res = await api.get(`/api/history?q=${encodeURIComponent('a\u0000b')}`, { token });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toHaveProperty('q');
  });

  it('needs a session', async () => {
    expect((await api.get('/api/history')).status).toBe(401);
    expect((await api.get('/api/history/export')).status).toBe(401);
  });
});

describe('one record, deletion and export', () => {
  it('shows the full record, deletes it, and another user sees 404 everywhere', async () => {
    const me = await registerAndLogin(api);
    const other = await registerAndLogin(api);
    const gen = await api.post('/api/generate', { prompt: 'Mine only' }, { token: me.token });
    const full = await api.get(`/api/history/${gen.body.id}`, { token: me.token });
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({
      id: gen.body.id,
      input: 'Mine only',
      output: gen.body.output,
      code: gen.body.code,
      params: expect.objectContaining({ temperature: expect.any(Number), maxTokens: expect.any(Number) }),
    });
    for (const [method, path] of [
      ['GET', `/api/history/${gen.body.id}`],
      ['DELETE', `/api/history/${gen.body.id}`],
    ] as const) {
      const res = await api.request(method, path, undefined, { token: other.token });
      expect(res.status, method).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('Mine only');
    }
    expect((await api.get('/api/history', { token: other.token })).body.items).toEqual([]);
    expect((await api.delete(`/api/history/${gen.body.id}`, undefined, { token: me.token })).status).toBe(
      204,
    );
    expect((await api.get(`/api/history/${gen.body.id}`, { token: me.token })).status).toBe(404);
  });

  it('deletes all of mine only with {"confirm": true}', async () => {
    const me = await registerAndLogin(api);
    const other = await registerAndLogin(api);
    await seed(me.user.id, 5);
    await seed(other.user.id, 2);
    expect((await api.delete('/api/history', {}, { token: me.token })).status).toBe(400);
    expect((await api.delete('/api/history', { confirm: 'yes' }, { token: me.token })).status).toBe(400);
    const res = await api.delete('/api/history', { confirm: true }, { token: me.token });
    expect(res.body).toEqual({ deleted: 5 });
    expect((await api.get('/api/history', { token: me.token })).body.items).toEqual([]);
    expect((await api.get('/api/history', { token: other.token })).body.items).toHaveLength(2);
  });

  it('exports exactly my records as JSON and as Markdown', async () => {
    const me = await registerAndLogin(api);
    const other = await registerAndLogin(api);
    await api.post('/api/generate', { prompt: 'Export me please' }, { token: me.token });
    await seed(me.user.id, 3);
    await api.post('/api/generate', { prompt: 'Not yours to export' }, { token: other.token });

    const json = await api.get('/api/history/export?format=json', { token: me.token });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toMatch(
      /^attachment; filename="codegenie-history-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(json.body.username).toBe(me.account.username);
    expect(json.body.items).toHaveLength(4);
    expect(json.body.items.map((i: Json) => i.input)).toContain('Export me please');
    expect(JSON.stringify(json.body)).not.toContain('Not yours to export');

    const md = await api.get('/api/history/export?format=markdown', { token: me.token });
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.headers.get('content-disposition')).toMatch(/\.md"$/);
    expect(String(md.body)).toContain(`# CodeGenie history of ${me.account.username}`);
    expect(String(md.body)).toContain('Export me please');
    expect(String(md.body).match(/^## Generate: /gm)).toHaveLength(4);
    expect(String(md.body)).not.toContain('Not yours to export');
    expect((await api.get('/api/history/export?format=pdf', { token: me.token })).status).toBe(400);
  });
});
