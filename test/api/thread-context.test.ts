import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_ANSWER } from '../helpers/openai-server.js';
import { readSse } from '../helpers/sse.js';
import { useGenerateSuite } from './support/generate-suite.js';

/**
 * What a follow-up sends the model when the thread is long, when the model
 * only completes code, and when it is a question about explained code. The
 * suite's chat model has a context of 2,048 tokens.
 */
const { upstream, api, session, stream } = useGenerateSuite('thread-context');

async function post(path: string, body: Record<string, unknown>) {
  return api.post(path, { language: 'python', ...body }, { token: session.token });
}

/** The chat messages the fake model server received in request `n` (0-based), without the system message. */
function sentTurns(n: number): { role: string; content: string }[] {
  return (upstream.requests[n]?.body.messages ?? []).slice(1);
}

describe('a follow-up on a long thread', () => {
  it('leaves out the oldest turns that no longer fit and says how many in the start event', async () => {
    // About 1,000 tokens by CodeGenie's estimate (3 characters a token).
    const long = `Write a parser for this format: ${'field;'.repeat(500)}`;
    const first = await post('/api/generate', { prompt: long });
    expect(first.status).toBe(200);
    const second = await post('/api/generate', {
      prompt: 'Handle empty fields',
      threadId: first.body.threadId,
    });
    expect(second.status).toBe(200);

    // 2,048 - 900 tokens of answer leaves room for the second turn but not the first as well.
    const res = await stream('/api/generate', {
      prompt: 'Add tests',
      language: 'python',
      maxTokens: 900,
      threadId: first.body.threadId,
    });
    const events = await readSse(res);
    expect(events[0]).toMatchObject({ event: 'start', data: { omittedTurns: 1 } });
    expect(events.at(-1)?.event).toBe('done');
    expect(sentTurns(2)).toEqual([
      { role: 'user', content: 'Handle empty fields' },
      { role: 'assistant', content: DEFAULT_CHAT_ANSWER },
      { role: 'user', content: 'Add tests' },
    ]);

    // With room for a short answer, the whole thread goes.
    const roomy = await stream('/api/generate', {
      prompt: 'Add tests',
      language: 'python',
      maxTokens: 100,
      threadId: first.body.threadId,
      parentId: events.at(-1)?.data.parentId,
    });
    expect((await readSse(roomy))[0]).toMatchObject({ event: 'start', data: { omittedTurns: 0 } });
    expect(sentTurns(3).map((m) => m.content.slice(0, 12))).toEqual([
      'Write a pars',
      DEFAULT_CHAT_ANSWER.slice(0, 12),
      'Handle empty',
      DEFAULT_CHAT_ANSWER.slice(0, 12),
      'Add tests',
    ]);
  });
});

describe('a follow-up to a code-completion model', () => {
  it('is refused with 400 model_cannot_follow_up, sending and saving nothing', async () => {
    const first = await post('/api/generate', { prompt: 'Reverse a string', modelId: 'remote-base' });
    expect(first.status).toBe(200);
    const sent = upstream.requests.length;

    const followUp = await post('/api/generate', {
      prompt: 'Make it recursive',
      modelId: 'remote-base',
      threadId: first.body.threadId,
    });
    expect(followUp.status).toBe(400);
    expect(followUp.body.error).toMatchObject({
      code: 'model_cannot_follow_up',
      message:
        'Remote Base is a code-completion model: it cannot continue a conversation. Start a new request or pick a chat model.',
    });
    expect(upstream.requests).toHaveLength(sent);
    const thread = await api.get(`/api/threads/${first.body.threadId}`, { token: session.token });
    expect(thread.body.turns).toHaveLength(1);

    // A new request to the same model, and a follow-up with a chat model, both go.
    expect((await post('/api/generate', { prompt: 'Reverse a list', modelId: 'remote-base' })).status).toBe(
      200,
    );
    const chat = await post('/api/generate', { prompt: 'Make it recursive', threadId: first.body.threadId });
    expect(chat.status).toBe(200);
  });
});

describe('an Explain follow-up', () => {
  it('asks the question after the code and the first explanation', async () => {
    const code = 'total = 0\nfor n in range(10):\n    total += n\nprint(total)';
    const first = await post('/api/explain', { code });
    expect(first.status).toBe(200);
    const question = await post('/api/explain', {
      code: 'What does line 3 do?',
      threadId: first.body.threadId,
    });
    expect(question.status).toBe(200);
    expect(question.body.language).toBe('python');
    expect(sentTurns(1)).toEqual([
      { role: 'user', content: `Explain this Python code:\n\`\`\`python\n${code}\n\`\`\`` },
      { role: 'assistant', content: DEFAULT_CHAT_ANSWER },
      { role: 'user', content: 'What does line 3 do?' },
    ]);
    expect(upstream.requests[1]?.body.messages?.[0]?.content).toContain(
      'Then answer follow-up questions about it.',
    );
  });
});
