import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHAT_ANSWER,
  rejectResponseFormat,
  startOpenAiServer,
} from '../../../../test/helpers/openai-server.js';
import {
  API_KEY,
  COMPLETION,
  run,
  useOpenAiProviderSuite,
} from '../../../../test/helpers/openai-provider.js';
import type { OpenAiModelEntry } from '../catalogue.js';
import { PromptTooLongError, ProviderError } from '../model-errors.js';
import type { GenerationRequest } from '../provider.port.js';

/** OpenAiCompatibleProvider and what servers refuse: the JSON schema fallback, context length, unknown models. */
const { upstream, logLines, provider, model, request } = useOpenAiProviderSuite();

describe('OpenAiCompatibleProvider: JSON schema', () => {
  const schema = {
    type: 'object',
    properties: { sections: { type: 'array' } },
    required: ['sections'],
  };
  const withSchema = (m: OpenAiModelEntry): GenerationRequest =>
    request({ model: m, params: { temperature: 0, maxTokens: 256, topP: 1, stop: [], jsonSchema: schema } });

  it('sends response_format with the schema for chat models', async () => {
    const out = await run(provider().generate(withSchema(model())));
    expect(out.error).toBeUndefined();
    expect(upstream.requests[0]?.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema, strict: true },
    });
  });

  it('asks again without response_format when the server refuses it, and remembers', async () => {
    upstream.script(rejectResponseFormat(400));
    const p = provider();
    const m = model({ id: 'no-schema', model: 'org/no-schema' });
    const out = await run(p.generate(withSchema(m)));
    expect(out.error).toBeUndefined();
    expect(out.tokens.join('')).toBe(DEFAULT_CHAT_ANSWER);
    expect(upstream.requests.map((r) => r.body.response_format === undefined)).toEqual([false, true]);

    const again = await run(p.generate(withSchema(m)));
    expect(again.error).toBeUndefined();
    expect(upstream.requests).toHaveLength(3);
    expect(upstream.requests[2]?.body.response_format).toBeUndefined();
  });

  it('falls back on 422 too', async () => {
    upstream.script(rejectResponseFormat(422));
    const out = await run(provider().generate(withSchema(model())));
    expect(out.error).toBeUndefined();
    expect(upstream.requests).toHaveLength(2);
  });

  it('never sends response_format to a completion endpoint', async () => {
    const out = await run(
      provider().generate({ ...withSchema(model({ format: 'completion' })), input: COMPLETION }),
    );
    expect(out.error).toBeUndefined();
    expect(upstream.requests[0]?.body.response_format).toBeUndefined();
  });
});

describe('OpenAiCompatibleProvider: upstream refusals', () => {
  it('turns a context-length refusal into PromptTooLongError', async () => {
    upstream.script([
      {
        type: 'error',
        status: 400,
        message:
          "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens. Please reduce the length of the messages.",
        code: 'context_length_exceeded',
      },
    ]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeInstanceOf(PromptTooLongError);
    expect(upstream.requests).toHaveLength(1);
  });

  it('names the model on 404, and logs the URL', async () => {
    const strict = await startOpenAiServer({ models: ['some-other-model'] });
    try {
      const before = logLines.length;
      const out = await run(provider().generate(request({ model: model({ baseUrl: strict.baseUrl }) })));
      expect(out.error).toBeInstanceOf(ProviderError);
      expect((out.error as Error).message).toBe(
        'The model server for Remote Coder does not know the model org/remote-coder-7b (HTTP 404).',
      );
      expect(logLines.slice(before).join('')).toContain(`${strict.baseUrl}/chat/completions`);
      expect(strict.requests).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });

  it('passes on another 4xx message, trimmed to 300 characters and without the key', async () => {
    upstream.script([
      {
        type: 'error',
        status: 400,
        message: `  temperature is invalid for token ${API_KEY}.  ${'x'.repeat(400)}`,
      },
    ]);
    const p = provider({ env: { HF_TOKEN: API_KEY } });
    const out = await run(p.generate(request({ model: model({ apiKeyEnv: 'HF_TOKEN' }) })));
    expect(out.error).toBeInstanceOf(ProviderError);
    const message = (out.error as Error).message;
    const prefix = 'The model server for Remote Coder refused the request (HTTP 400): ';
    expect(message.startsWith(`${prefix}temperature is invalid for token [redacted]. xxx`)).toBe(true);
    expect(message.length).toBeLessThanOrEqual(prefix.length + 300);
    expect(message).not.toContain(API_KEY);
    expect(upstream.requests).toHaveLength(1);
  });
});
