import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_ANSWER, DEFAULT_CODE, DEFAULT_COMPLETION_ANSWER } from '../helpers/openai-server.js';
import { readSse } from '../helpers/sse.js';
import { useGenerateSuite } from './support/generate-suite.js';

/** The generate API on a remote (OpenAI-compatible) model: the model list, answers, streams and input checks. */
const { upstream, server, api, session, stream } = useGenerateSuite('generate');

describe('GET /api/models', () => {
  it('lists every catalogue model with its status, for signed-in users only', async () => {
    expect((await api.get('/api/models')).status).toBe(401);
    const res = await api.get('/api/models', { token: session.token });
    expect(res.status).toBe(200);
    expect(res.body.map((m: { id: string }) => m.id)).toEqual(['remote-chat', 'remote-base', 'needs-key']);
    expect(res.body[0]).toMatchObject({
      id: 'remote-chat',
      name: 'Remote Chat',
      provider: 'openai-compatible',
      format: 'chat',
      tasks: ['generate', 'explain'],
      followUps: true,
      status: 'ready',
      isDefault: true,
      contextLength: 2048,
    });
    // A base model continues code: it is listed for Generate only, and takes no follow-up.
    expect(res.body[1]).toMatchObject({
      id: 'remote-base',
      format: 'completion',
      tasks: ['generate'],
      followUps: false,
    });
    expect(res.body[2]).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('CODEGENIE_TEST_UNSET_KEY'),
    });
  });
});

describe('POST /api/generate', () => {
  it('answers one JSON object with the output, the extracted code, usage and timings, and saves it', async () => {
    const res = await api.post(
      '/api/generate',
      { prompt: 'Add two numbers', language: 'python' },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      // A new thread: its id is the first turn's.
      threadId: res.body.id,
      parentId: null,
      modelId: 'remote-chat',
      output: DEFAULT_CHAT_ANSWER,
      code: DEFAULT_CODE.trimEnd(),
      language: 'python',
      usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) },
      timings: { firstTokenMs: expect.any(Number), totalMs: expect.any(Number) },
    });
    const sent = upstream.requests[0];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.body.messages?.[0]?.role).toBe('system');
    expect(sent?.body.messages?.[0]?.content).toContain('Python');
    expect(sent?.body.messages?.[1]).toEqual({ role: 'user', content: 'Add two numbers' });

    const record = await server.store.prompts.findById(res.body.id);
    expect(record).toMatchObject({
      userId: session.user.id,
      kind: 'generate',
      modelId: 'remote-chat',
      status: 'completed',
      input: 'Add two numbers',
      output: DEFAULT_CHAT_ANSWER,
      code: DEFAULT_CODE.trimEnd(),
    });
    const activity = await server.store.activity.listForUser(session.user.id, 5);
    expect(activity.some((a) => a.kind === 'generation' && a.details.promptId === res.body.id)).toBe(true);
  });

  it('streams start, token by token, then done; the record is completed before done arrives', async () => {
    const res = await stream('/api/generate', { prompt: 'Add two numbers' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    let completedAtDone: string | undefined;
    const events = await readSse(res, async (e) => {
      if (e.event === 'done') {
        completedAtDone = (await server.store.prompts.findById(e.data.id))?.status;
      }
      return undefined;
    });
    expect(events[0]).toEqual({
      event: 'start',
      data: {
        id: expect.any(String),
        modelId: 'remote-chat',
        threadId: events[0]?.data.id,
        parentId: null,
        omittedTurns: 0,
      },
    });
    const tokens = events.filter((e) => e.event === 'token');
    expect(tokens.length).toBeGreaterThan(5);
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(tokens.map((t) => t.data.text).join('')).toBe(done?.data.output);
    expect(done?.data.id).toBe(events[0]?.data.id);
    expect(completedAtDone).toBe('completed');
  });

  it('prompts a completion model with a task comment and returns the whole answer as code', async () => {
    const res = await api.post(
      '/api/generate',
      { modelId: 'remote-base', prompt: 'Add two numbers', language: 'python' },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    expect(upstream.requests[0]?.path).toBe('/v1/completions');
    expect(upstream.requests[0]?.body.prompt).toContain('# Task:\n# Add two numbers');
    expect(upstream.requests[0]?.body.stop).toContain('\n# Task:');
    expect(res.body.code).toBe(DEFAULT_COMPLETION_ANSWER.trim());
  });

  it('passes the sampling parameters through', async () => {
    await api.post(
      '/api/generate',
      { prompt: 'x', temperature: 1.5, maxTokens: 100, topP: 0.5, stop: ['END'] },
      { token: session.token },
    );
    expect(upstream.requests[0]?.body).toMatchObject({
      temperature: 1.5,
      max_tokens: 100,
      top_p: 0.5,
      stop: ['END'],
    });
  });

  it.each([
    ['an unknown model', { prompt: 'x', modelId: 'nope' }, 404, 'model_not_found', undefined],
    ['temperature above 2', { prompt: 'x', temperature: 2.5 }, 400, 'invalid_input', 'temperature'],
    ['temperature below 0', { prompt: 'x', temperature: -1 }, 400, 'invalid_input', 'temperature'],
    ['maxTokens 0', { prompt: 'x', maxTokens: 0 }, 400, 'invalid_input', 'maxTokens'],
    ['maxTokens above the model limit', { prompt: 'x', maxTokens: 2049 }, 400, 'invalid_input', 'maxTokens'],
    ['an empty prompt', { prompt: '   ' }, 400, 'invalid_input', 'prompt'],
    ['an operator object', { prompt: { $gt: '' } }, 400, 'invalid_input', 'prompt'],
    ['an unknown language', { prompt: 'x', language: 'cobol' }, 400, 'invalid_input', 'language'],
    ['a prompt over 32,000 characters', { prompt: 'x'.repeat(32_001) }, 413, 'payload_too_large', 'prompt'],
  ])('refuses %s', async (_label, body, status, code, field) => {
    const res = await api.post('/api/generate', body, { token: session.token });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (field) {
      expect(Object.keys(res.body.error.details.fields)).toContain(field);
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it('accepts a prompt of exactly 32,000 characters', async () => {
    expect(
      (await api.post('/api/generate', { prompt: 'y'.repeat(32_000) }, { token: session.token })).status,
    ).toBe(200);
  });
});
