import { describe, expect, it } from 'vitest';
import { DEEPSEEK_CODER_SYSTEM } from '../../src/server/models/prompt-formats.js';
import { apiClient } from '../helpers/http.js';
import type { RecordedRequest } from '../helpers/openai-server.js';
import { useOpenAiServer, useSignedInUser, useTestServer } from '../helpers/suite.js';

/**
 * What a model is sent, seen from the model server's side of a real HTTP
 * exchange: each catalogue format reaches the server as its model expects.
 */
const upstream = useOpenAiServer({ resetEachTest: true });
const server = useTestServer(() => {
  const remote = { provider: 'openai-compatible', baseUrl: upstream.baseUrl };
  return {
    name: 'prompt-formats',
    catalogue: {
      defaultModel: 'chat',
      models: [
        { ...remote, id: 'chat', name: 'Chat', format: 'chat', model: 'chat-model' },
        { ...remote, id: 'deepseek', name: 'DeepSeek', format: 'deepseek-coder', model: 'deepseek-model' },
        { ...remote, id: 'base', name: 'Base', format: 'completion', model: 'base-model' },
      ],
    },
  };
});
const api = apiClient(() => server.url);
const session = useSignedInUser(api);

/** The generation request the model server received (status checks aside). */
function generationRequest(): RecordedRequest {
  const found = upstream.requests.find((r) => r.method === 'POST');
  if (!found) {
    throw new Error('the model server received no generation request');
  }
  return found;
}

describe('prompts as the model server receives them', () => {
  it('names the language Explain detects in the code, and records it', async () => {
    const res = await api.post(
      '/api/explain',
      { modelId: 'chat', code: 'done = False\nwhile not done:\n    done = True', language: 'any' },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.language).toBe('python');
    const user = generationRequest().body.messages?.at(-1);
    expect(user?.content).toBe(
      'Explain this Python code:\n```python\ndone = False\nwhile not done:\n    done = True\n```',
    );
  });

  it('sends a remote DeepSeek-Coder its rendered prompt without BOS, stopping at <|EOT|>', async () => {
    const res = await api.post(
      '/api/generate',
      { modelId: 'deepseek', prompt: 'reverse a string', language: 'python', stop: ['\n\n\n'] },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    const sent = generationRequest();
    expect(sent.path).toBe('/v1/completions');
    expect(sent.body.prompt).toMatch(
      new RegExp(`^${DEEPSEEK_CODER_SYSTEM}\\nYou are CodeGenie, an expert programmer\\.`),
    );
    expect(sent.body.prompt?.endsWith('\n### Instruction:\nreverse a string\n### Response:\n')).toBe(true);
    expect(sent.body.prompt).not.toContain('begin▁of▁sentence');
    expect(sent.body.stop).toEqual(['<|EOT|>', '\n\n\n']);
  });

  it('lets a base model continue the code a request gives: the answer is that code and its continuation', async () => {
    upstream.script([{ type: 'answer', text: '    return a + b\n' }]);
    const res = await api.post(
      '/api/generate',
      {
        modelId: 'base',
        prompt: 'Finish it:\n```python\ndef add(a, b):\n    """Sum of a and b."""\n```',
        language: 'python',
      },
      { token: session.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.output).toBe('    return a + b\n');
    expect(res.body.code).toBe('def add(a, b):\n    """Sum of a and b."""\n    return a + b');
    const sent = generationRequest();
    expect(sent.body.prompt).toBe(
      '# Language: Python\n# Task:\n# Finish it:\n# Solution:\ndef add(a, b):\n    """Sum of a and b."""\n',
    );
    expect(sent.body.stop).toContain('\ndef ');
  });
});
