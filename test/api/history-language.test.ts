import { describe, expect, it } from 'vitest';
import { remoteModel } from '../helpers/catalogue.js';
import { apiClient, registerAndLogin, type Json } from '../helpers/http.js';
import { useOpenAiServer, useTestServer } from '../helpers/suite.js';

const upstream = useOpenAiServer();
const server = useTestServer(() => ({
  name: 'history-language',
  catalogue: {
    defaultModel: 'remote-chat',
    models: [remoteModel(upstream.baseUrl, 'remote-chat', 'Remote Chat', { model: 'chat-model' })],
  },
}));
const api = apiClient(() => server.url);

describe('History filter "Not specified" (language=any)', () => {
  it('finds an "any" run with nothing detectable (filed as text) and not a detected one', async () => {
    const { token } = await registerAndLogin(api);
    upstream.script([
      { type: 'answer', text: 'Sorry, I am not sure what you mean.' },
      { type: 'answer', text: '```python\ndef add(a, b):\n    return a + b\n```' },
    ]);
    const vague = await api.post('/api/generate', { prompt: 'Do the thing', language: 'any' }, { token });
    expect(vague.status).toBe(200);
    expect(vague.body.language).toBe('text');
    const detected = await api.post(
      '/api/generate',
      { prompt: 'Add two numbers', language: 'any' },
      { token },
    );
    expect(detected.body.language).toBe('python');

    const history = await api.get('/api/history?language=any', { token });
    expect(history.status).toBe(200);
    expect(history.body.items.map((i: Json) => i.title)).toEqual(['Do the thing']);
    const threads = await api.get('/api/threads?language=any', { token });
    expect(threads.status).toBe(200);
    expect(threads.body.items.map((t: Json) => t.title)).toEqual(['Do the thing']);
    const python = await api.get('/api/history?language=python', { token });
    expect(python.body.items.map((i: Json) => i.title)).toEqual(['Add two numbers']);
  });
});
