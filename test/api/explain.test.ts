import { describe, expect, it } from 'vitest';
import { registerAndLogin } from '../helpers/http.js';
import { DEFAULT_CODE } from '../helpers/openai-server.js';
import { readSse } from '../helpers/sse.js';
import { MESSAGES } from '../../src/shared/messages.js';
import { useGenerateSuite } from './support/generate-suite.js';

/** The explain API on a remote model: overviews, line-by-line sections, and what it refuses. */
const { upstream, server, api, session, stream } = useGenerateSuite('explain');

describe('POST /api/explain', () => {
  it('streams an overview at the chosen level and links it to a generation', async () => {
    const gen = await api.post('/api/generate', { prompt: 'Add two numbers' }, { token: session.token });
    upstream.reset();
    upstream.script([{ type: 'answer', text: 'This function **adds** two numbers.' }]);
    const events = await readSse(
      await stream('/api/explain', { code: DEFAULT_CODE, level: 'beginner', generationId: gen.body.id }),
    );
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(done?.data.output).toBe('This function **adds** two numbers.');
    expect(done?.data.language).toBe('python');
    expect(upstream.requests[0]?.body.messages?.[0]?.content).toContain('beginner');
    const record = await server.store.prompts.findById(done?.data.id);
    expect(record).toMatchObject({
      kind: 'explain',
      generationId: gen.body.id,
      input: DEFAULT_CODE,
      status: 'completed',
    });
  });

  it('returns line-by-line sections covering the code, asking for a JSON schema', async () => {
    const code = 'a = 1\nb = 2\nprint(a + b)\n';
    upstream.script([
      {
        type: 'answer',
        text: JSON.stringify({
          sections: [
            { startLine: 1, endLine: 2, explanation: 'Two variables.' },
            { startLine: 3, endLine: 3, explanation: 'Prints the sum.' },
          ],
        }),
      },
    ]);
    const res = await api.post(
      '/api/explain',
      { code, format: 'line-by-line', level: 'expert' },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.sections).toEqual([
      { startLine: 1, endLine: 2, explanation: 'Two variables.' },
      { startLine: 3, endLine: 4, explanation: 'Prints the sum.' },
    ]);
    expect(upstream.requests[0]?.body.response_format).toMatchObject({ type: 'json_schema' });
  });

  it('refuses a code-completion model with 400 model_cannot_explain, saving nothing; it still generates', async () => {
    const fresh = await registerAndLogin(api);
    for (const accept of ['application/json', 'text/event-stream']) {
      const res = await fetch(`${server.url}/api/explain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${fresh.token}` },
        body: JSON.stringify({ code: DEFAULT_CODE, modelId: 'remote-base' }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('model_cannot_explain');
      expect(body.error.message).toBe(`Remote Base ${MESSAGES.cannotExplain}`);
    }
    expect(upstream.requests).toHaveLength(0);
    expect((await api.get('/api/history', { token: fresh.token })).body.items).toEqual([]);

    const generated = await api.post(
      '/api/generate',
      { modelId: 'remote-base', prompt: 'Add two numbers' },
      { token: fresh.token },
    );
    expect(generated.status).toBe(200);
    expect(generated.body.modelId).toBe('remote-base');
    const history = (await api.get('/api/history', { token: fresh.token })).body.items;
    expect(history).toMatchObject([{ kind: 'generate', modelId: 'remote-base' }]);
  });

  it('refuses another user’s generation id, empty code and code over 32,000 characters', async () => {
    const other = await registerAndLogin(api);
    const theirs = await api.post('/api/generate', { prompt: 'x' }, { token: other.token });
    const res = await api.post(
      '/api/explain',
      { code: 'x = 1', generationId: theirs.body.id },
      { token: session.token },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toHaveProperty('generationId');
    expect((await api.post('/api/explain', { code: '  \n ' }, { token: session.token })).status).toBe(400);
    expect(
      (await api.post('/api/explain', { code: 'x'.repeat(32_001) }, { token: session.token })).status,
    ).toBe(413);
    expect(
      (await api.post('/api/explain', { code: 'x', level: 'guru' }, { token: session.token })).status,
    ).toBe(400);
  });
});
