import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_ANSWER } from '../helpers/openai-server.js';
import { newAccount, registerAndLogin, type Json } from '../helpers/http.js';
import { readSse } from '../helpers/sse.js';
import { useGenerateSuite } from './support/generate-suite.js';

/** Threads over the API: follow-ups with the earlier turns as context, versions, and who may see them. */
const { upstream, api, session, stream } = useGenerateSuite('threads');

/** POST /api/generate as the suite's user, answered as JSON. */
async function generate(body: Record<string, unknown>, token = session.token) {
  return api.post('/api/generate', { language: 'python', ...body }, { token });
}

/** The chat messages the fake model server received in request `n` (0-based). */
function sentMessages(n: number): { role: string; content: string }[] {
  return upstream.requests[n]?.body.messages ?? [];
}

describe('continuing a thread', () => {
  it('starts a thread with a first request, and a follow-up sends the earlier prompt and answer to the model', async () => {
    const first = await generate({ prompt: 'Add two numbers' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ threadId: first.body.id, parentId: null });

    upstream.script([
      { type: 'answer', text: 'With type hints:\n```python\ndef add(a: int, b: int) -> int: ...\n```' },
    ]);
    const followUp = await generate({ prompt: 'Now add type hints', threadId: first.body.threadId });
    expect(followUp.status).toBe(200);
    expect(followUp.body).toMatchObject({ threadId: first.body.id, parentId: first.body.id });

    const messages = sentMessages(1);
    expect(messages[0]?.role).toBe('system');
    expect(messages.slice(1)).toEqual([
      { role: 'user', content: 'Add two numbers' },
      { role: 'assistant', content: DEFAULT_CHAT_ANSWER },
      { role: 'user', content: 'Now add type hints' },
    ]);

    const thread = await api.get(`/api/threads/${first.body.id}`, { token: session.token });
    expect(thread.status).toBe(200);
    expect(thread.body).toMatchObject({
      id: first.body.id,
      title: 'Add two numbers',
      kind: 'generate',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(thread.body.turns).toHaveLength(2);
    expect(thread.body.turns[0]).toEqual({
      id: first.body.id,
      parentId: null,
      kind: 'generate',
      modelId: 'remote-chat',
      prompt: 'Add two numbers',
      output: DEFAULT_CHAT_ANSWER,
      code: first.body.code,
      language: 'python',
      status: 'completed',
      params: expect.any(Object),
      sections: null,
      error: null,
      usage: first.body.usage,
      timings: { ...first.body.timings, tokensPerSecond: expect.anything() },
      createdAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    expect(thread.body.turns[1]).toMatchObject({
      id: followUp.body.id,
      parentId: first.body.id,
      prompt: 'Now add type hints',
      code: 'def add(a: int, b: int) -> int: ...',
    });
  });

  it('streams threadId, id, parentId and the turns left out in the start event', async () => {
    const first = await generate({ prompt: 'Reverse a string' });
    const res = await stream('/api/generate', {
      prompt: 'Make it recursive',
      language: 'python',
      threadId: first.body.id,
    });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events[0]).toEqual({
      event: 'start',
      data: {
        id: expect.any(String),
        modelId: 'remote-chat',
        threadId: first.body.id,
        parentId: first.body.id,
        omittedTurns: 0,
      },
    });
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      data: { id: events[0]?.data.id, threadId: first.body.id, parentId: first.body.id },
    });
  });

  it('makes versions with the same parentId, follows only the chosen version, and lists every version', async () => {
    upstream.script([
      { type: 'answer', text: 'answer A' },
      { type: 'answer', text: 'answer B' },
      { type: 'answer', text: 'answer C' },
      { type: 'answer', text: 'answer D' },
    ]);
    const a = await generate({ prompt: 'Sort a list' });
    const b = await generate({ prompt: 'Descending', threadId: a.body.id });
    // Regenerate the follow-up: a second version after the same turn.
    const c = await generate({ prompt: 'Descending, please', threadId: a.body.id, parentId: a.body.id });
    expect([b.body.parentId, c.body.parentId]).toEqual([a.body.id, a.body.id]);
    expect(sentMessages(2).slice(1)).toEqual([
      { role: 'user', content: 'Sort a list' },
      { role: 'assistant', content: 'answer A' },
      { role: 'user', content: 'Descending, please' },
    ]);
    // A follow-up to the second version has it, not its sibling, as context.
    const d = await generate({ prompt: 'In place', threadId: a.body.id, parentId: c.body.id });
    expect(
      sentMessages(3)
        .slice(1)
        .map((m) => m.content),
    ).toEqual(['Sort a list', 'answer A', 'Descending, please', 'answer C', 'In place']);

    const thread = await api.get(`/api/threads/${a.body.id}`, { token: session.token });
    expect(thread.body.turns.map((t: Json) => [t.id, t.parentId, t.output])).toEqual([
      [a.body.id, null, 'answer A'],
      [b.body.id, a.body.id, 'answer B'],
      [c.body.id, a.body.id, 'answer C'],
      [d.body.id, c.body.id, 'answer D'],
    ]);
  });

  it('with parentId null makes a new version of the first position, with no earlier turns', async () => {
    const first = await generate({ prompt: 'Parse a date' });
    const again = await generate({ prompt: 'Parse an ISO date', threadId: first.body.id, parentId: null });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ threadId: first.body.id, parentId: null });
    expect(sentMessages(1).slice(1)).toEqual([{ role: 'user', content: 'Parse an ISO date' }]);
    const thread = await api.get(`/api/threads/${first.body.id}`, { token: session.token });
    expect(thread.body.turns.map((t: Json) => t.parentId)).toEqual([null, null]);
  });

  it('answers 404 for a parentId that is not a turn of the thread, or an unknown thread', async () => {
    const one = await generate({ prompt: 'One' });
    const other = await generate({ prompt: 'Other' });
    const stray = await generate({ prompt: 'Two', threadId: one.body.id, parentId: other.body.id });
    expect(stray.status).toBe(404);
    expect(stray.body.error.code).toBe('not_found');
    const unknown = await generate({ prompt: 'Two', threadId: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
    // Nothing was asked of the model for either.
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('GET /api/threads', () => {
  it('lists my threads with turn count and latest status, searches every turn, and pages by cursor', async () => {
    const me = await registerAndLogin(api, newAccount('lister'));
    const list = (query = '') => api.get(`/api/threads${query}`, { token: me.token });
    const a = await generate({ prompt: 'Reverse a list' }, me.token);
    const followUp = await generate({ prompt: 'Use slicing', threadId: a.body.id }, me.token);
    const b = await generate({ prompt: 'Parse JSON' }, me.token);

    const all = await list();
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual([
      expect.objectContaining({ id: b.body.id, title: 'Parse JSON', kind: 'generate', turnCount: 1 }),
      {
        id: a.body.id,
        title: 'Reverse a list',
        kind: 'generate',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        turnCount: 2,
        latest: { id: followUp.body.id, status: 'completed', modelId: 'remote-chat', language: 'python' },
      },
    ]);
    expect((await list('?q=slicing')).body.items.map((t: Json) => t.id)).toEqual([a.body.id]);
    const first = await list('?limit=1');
    expect(first.body.items.map((t: Json) => t.id)).toEqual([b.body.id]);
    const second = await list(`?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: a.body.id })], nextCursor: null });
    expect(
      (await api.get('/api/threads', { token: session.token })).body.items.map((t: Json) => t.id),
    ).not.toContain(a.body.id);
    expect((await list('?status=nope')).status).toBe(400);
  });
});

describe('explain threads', () => {
  it('titles the thread from the first line of the code and the level and format', async () => {
    upstream.script([{ type: 'answer', text: 'It adds.' }]);
    const res = await api.post(
      '/api/explain',
      { code: '\ndef add(a, b):\n    return a + b', level: 'beginner' },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    const thread = await api.get(`/api/threads/${res.body.threadId}`, { token: session.token });
    expect(thread.body).toMatchObject({ title: 'def add(a, b):… (beginner, overview)', kind: 'explain' });
    expect(thread.body.turns[0]).toMatchObject({
      kind: 'explain',
      code: '\ndef add(a, b):\n    return a + b',
      output: 'It adds.',
      params: expect.objectContaining({ level: 'beginner', format: 'overview' }),
    });
    expect(thread.body.turns[0]).not.toHaveProperty('prompt');
  });

  it('sends a follow-up question with the code and the earlier explanation', async () => {
    upstream.script([{ type: 'answer', text: 'It adds a and b.' }]);
    const code = 'def add(a, b):\n    return a + b';
    const first = await api.post('/api/explain', { code, language: 'python' }, { token: session.token });
    const question = await api.post(
      '/api/explain',
      { code: 'What does line 2 do?', threadId: first.body.threadId },
      { token: session.token },
    );
    expect(question.status).toBe(200);
    expect(question.body).toMatchObject({ threadId: first.body.id, parentId: first.body.id });
    const messages = sentMessages(1).slice(1);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[0]?.content).toContain('return a + b');
    expect(messages[1]?.content).toBe('It adds a and b.');
    expect(messages[2]?.content).toContain('What does line 2 do?');
  });
});

describe('another user’s thread', () => {
  it('is not found to continue, read or delete, and stays as it was', async () => {
    const mine = await generate({ prompt: 'Mine' });
    const other = await registerAndLogin(api, newAccount('intruder'));
    const continued = await generate({ prompt: 'Theirs now', threadId: mine.body.id }, other.token);
    expect(continued.status).toBe(404);
    expect(continued.body.error.code).toBe('not_found');
    const explained = await api.post(
      '/api/explain',
      { code: 'x = 1', threadId: mine.body.id, parentId: mine.body.id },
      { token: other.token },
    );
    expect(explained.status).toBe(404);
    expect((await api.get(`/api/threads/${mine.body.id}`, { token: other.token })).status).toBe(404);
    const deleted = await api.delete(`/api/threads/${mine.body.id}`, undefined, { token: other.token });
    expect(deleted.status).toBe(404);
    expect(deleted.body.error.code).toBe('not_found');
    const still = await api.get(`/api/threads/${mine.body.id}`, { token: session.token });
    expect(still.body.turns).toHaveLength(1);
  });
});

describe('deleting a thread and the history', () => {
  it('history items carry their threadId, and deleting the thread removes all its turns', async () => {
    const first = await generate({ prompt: 'Count words in a file' });
    const second = await generate({ prompt: 'Ignore case', threadId: first.body.id });
    const history = await api.get('/api/history?q=words%20in%20a&limit=100', { token: session.token });
    expect(history.body.items).toEqual([
      expect.objectContaining({ id: first.body.id, threadId: first.body.id }),
    ]);
    const all = await api.get('/api/history?limit=100', { token: session.token });
    expect(all.body.items.find((i: Json) => i.id === second.body.id)).toMatchObject({
      threadId: first.body.id,
    });
    expect((await api.get(`/api/history/${second.body.id}`, { token: session.token })).body).toMatchObject({
      threadId: first.body.id,
    });

    const res = await api.delete(`/api/threads/${first.body.id}`, undefined, { token: session.token });
    expect(res.status).toBe(204);
    const after = await api.get('/api/history?limit=100', { token: session.token });
    const ids = after.body.items.map((i: Json) => i.id);
    expect(ids).not.toContain(first.body.id);
    expect(ids).not.toContain(second.body.id);
    expect((await api.get(`/api/threads/${first.body.id}`, { token: session.token })).status).toBe(404);
    expect((await api.get(`/api/history/${second.body.id}`, { token: session.token })).status).toBe(404);
    const again = await api.delete(`/api/threads/${first.body.id}`, undefined, { token: session.token });
    expect(again.status).toBe(404);
  });

  it('exports each record with its thread and the turn it follows', async () => {
    const me = await registerAndLogin(api, newAccount('exporter'));
    const first = await generate({ prompt: 'Export a thread' }, me.token);
    const second = await generate({ prompt: 'And its follow-up', threadId: first.body.id }, me.token);
    const json = await api.get('/api/history/export?format=json', { token: me.token });
    expect(json.body.items).toEqual([
      expect.objectContaining({ id: second.body.id, threadId: first.body.id, parentId: first.body.id }),
      expect.objectContaining({ id: first.body.id, threadId: first.body.id, parentId: null }),
    ]);
    const md = String((await api.get('/api/history/export?format=markdown', { token: me.token })).body);
    expect(md).toContain(`- Thread: ${first.body.id}, after ${first.body.id}\n`);
    expect(md).toContain(`- Thread: ${first.body.id}\n`);
  });

  it('lists the thread routes and fields in the OpenAPI document', async () => {
    const doc = (await api.get('/api/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/threads/{id}'])).toEqual(expect.arrayContaining(['get', 'delete']));
    expect(Object.keys(doc.paths['/api/threads'])).toContain('get');
    const body = doc.paths['/api/generate'].post.requestBody.content['application/json'].schema;
    expect(body.properties).toHaveProperty('threadId');
    expect(body.properties).toHaveProperty('parentId');
  });
});
