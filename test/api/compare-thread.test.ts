import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient, newAccount, registerAndLogin, type Json } from '../helpers/http.js';
import { useOpenAiServer, useSignedInUser, useTestServer } from '../helpers/suite.js';

/** A Compare over the API: the runs of one group are one thread, one version of its first position a model. */
const upstream = useOpenAiServer({ resetEachTest: true });
const server = useTestServer(() => ({
  name: 'compare-thread',
  catalogue: {
    defaultModel: 'model-a',
    models: ['model-a', 'model-b', 'model-c'].map((id) =>
      remoteModel(upstream.baseUrl, id, id.toUpperCase(), { model: id }),
    ),
  },
}));
const api = apiClient(() => server.url);
const session = useSignedInUser(api);

/** Starts one Compare: a run a model, all at once, sharing `groupId`. */
async function compare(prompt: string, models: string[], groupId = randomUUID(), token = session.token) {
  const runs = await Promise.all(
    models.map((modelId) =>
      api.post('/api/generate', { prompt, language: 'python', modelId, groupId }, { token }),
    ),
  );
  for (const run of runs) {
    expect(run.status).toBe(200);
  }
  return runs.map((run) => run.body);
}

describe('a Compare is one thread', () => {
  it('makes the runs of one group, started at once, the versions of one thread’s first position, listed once', async () => {
    const runs = await compare('Reverse a string\nin place', ['model-a', 'model-b', 'model-c']);
    const threadId = runs[0]?.threadId as string;
    expect(threadId).toEqual(expect.any(String));
    for (const run of runs) {
      expect(run).toMatchObject({ threadId, parentId: null });
    }
    expect(new Set(runs.map((run) => run.id)).size).toBe(3);

    const thread = await api.get(`/api/threads/${threadId}`, { token: session.token });
    expect(thread.status).toBe(200);
    expect(thread.body).toMatchObject({ id: threadId, title: 'Reverse a string…', kind: 'compare' });
    const turns = thread.body.turns as Json[];
    expect(turns).toHaveLength(3);
    expect(turns.map((t) => t.parentId)).toEqual([null, null, null]);
    expect(turns.map((t) => t.modelId).sort()).toEqual(['model-a', 'model-b', 'model-c']);
    expect(turns.every((t) => t.prompt === 'Reverse a string\nin place' && t.output !== '')).toBe(true);

    const list = await api.get('/api/threads', { token: session.token });
    expect(list.status).toBe(200);
    const listed = (list.body.items as Json[]).filter((item) => item.id === threadId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: 'compare', title: 'Reverse a string…', turnCount: 3 });
    expect((list.body.items as Json[]).filter((item) => runs.some((r) => r.id === item.id))).toEqual([]);
  });

  it('keeps two Compares apart, and another user’s run with the same groupId in a thread of their own', async () => {
    const groupId = randomUUID();
    const mine = await compare('First compare', ['model-a', 'model-b'], groupId);
    const other = await compare('Second compare', ['model-a', 'model-b']);
    expect(other[0]?.threadId).not.toBe(mine[0]?.threadId);

    const stranger = await registerAndLogin(api, newAccount());
    const theirs = await compare('Their compare', ['model-c'], groupId, stranger.token);
    expect(theirs[0]?.threadId).not.toBe(mine[0]?.threadId);
    const seen = await api.get(`/api/threads/${mine[0]?.threadId as string}`, { token: stranger.token });
    expect(seen.status).toBe(404);
    const own = await api.get(`/api/threads/${mine[0]?.threadId as string}`, { token: session.token });
    expect((own.body.turns as Json[]).map((t) => t.modelId).sort()).toEqual(['model-a', 'model-b']);
  });

  it('keeps each run’s column in its turn’s params, whatever order the runs were saved in', async () => {
    const groupId = randomUUID();
    // The last column's run is saved first.
    const order: [string, number][] = [
      ['model-c', 2],
      ['model-a', 0],
      ['model-b', 1],
    ];
    let threadId = '';
    for (const [modelId, column] of order) {
      const res = await api.post(
        '/api/generate',
        { prompt: 'Sort a list', modelId, groupId, column },
        { token: session.token },
      );
      expect(res.status).toBe(200);
      threadId = String(res.body.threadId);
    }
    const thread = await api.get(`/api/threads/${threadId}`, { token: session.token });
    const turns = thread.body.turns as Json[];
    const columns = Object.fromEntries(turns.map((t) => [t.modelId, t.params.column]));
    expect(columns).toEqual({ 'model-a': 0, 'model-b': 1, 'model-c': 2 });

    // Outside a Compare the column means nothing and is not kept; out of range is refused.
    const alone = await api.post('/api/generate', { prompt: 'x', column: 1 }, { token: session.token });
    expect(alone.status).toBe(200);
    const single = await api.get(`/api/threads/${String(alone.body.threadId)}`, { token: session.token });
    expect((single.body.turns as Json[])[0]?.params).not.toHaveProperty('column');
    const refused = await api.post(
      '/api/generate',
      { prompt: 'x', groupId: randomUUID(), column: 5 },
      { token: session.token },
    );
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.error.details.fields)).toContain('column');
  });

  it('continues a Compare thread like any other: a follow-up names the thread and the version it follows', async () => {
    const [first] = await compare('Sort a list', ['model-a', 'model-b']);
    const followUp = await api.post(
      '/api/generate',
      { prompt: 'Now descending', threadId: first?.threadId, parentId: first?.id, modelId: 'model-a' },
      { token: session.token },
    );
    expect(followUp.status).toBe(200);
    expect(followUp.body).toMatchObject({ threadId: first?.threadId, parentId: first?.id });
    expect(upstream.requests.at(-1)?.body.messages?.map((m) => m.content)).toContain('Sort a list');
  });
});
