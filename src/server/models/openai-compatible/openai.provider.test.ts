import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHAT_ANSWER,
  DEFAULT_COMPLETION_ANSWER,
  MALFORMED_SSE,
  splitIntoChunks,
  startOpenAiServer,
} from '../../../../test/helpers/openai-server.js';
import {
  API_KEY,
  COMPLETION,
  MESSAGES,
  run,
  useOpenAiProviderSuite,
} from '../../../../test/helpers/openai-provider.js';
import { ModelUnavailableError, ProviderAuthError, ProviderError } from '../model-errors.js';

/** OpenAiCompatibleProvider against the fake OpenAI server: streaming, API keys and what it logs. */
const { upstream, logLines, provider, model, request } = useOpenAiProviderSuite();

describe('OpenAiCompatibleProvider: streaming', () => {
  it('streams a chat answer token by token, before the server has finished', async () => {
    const seenWhileStreaming: (string | undefined)[] = [];
    const out = await run(provider().generate(request()), () => {
      seenWhileStreaming.push(upstream.requests[0]?.outcome);
    });

    expect(out.error).toBeUndefined();
    expect(out.tokens).toEqual(splitIntoChunks(DEFAULT_CHAT_ANSWER));
    expect(out.tokens.join('')).toBe(DEFAULT_CHAT_ANSWER);
    // The first token reached us while the upstream response was still open.
    expect(seenWhileStreaming[0]).toBeUndefined();
    expect(out.chunks.at(-1)?.type).toBe('usage');
    expect(out.chunks.filter((c) => c.type === 'usage')).toHaveLength(1);

    expect(upstream.requests).toHaveLength(1);
    const sent = upstream.requests[0];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.body).toEqual({
      model: 'org/remote-coder-7b',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 256,
      top_p: 0.9,
    });
  });

  it('streams a completion answer from /completions with the prompt and stop sequences', async () => {
    const out = await run(
      provider().generate(
        request({
          model: model({ format: 'completion' }),
          input: COMPLETION,
          params: { temperature: 0.7, maxTokens: 64, topP: 1, stop: ['\n\n\n', '# End'] },
        }),
      ),
    );

    expect(out.error).toBeUndefined();
    expect(out.tokens).toEqual(splitIntoChunks(DEFAULT_COMPLETION_ANSWER));
    const sent = upstream.requests[0];
    expect(sent?.path).toBe('/v1/completions');
    expect(sent?.body.prompt).toBe('# Add two numbers\ndef add(');
    expect(sent?.body.messages).toBeUndefined();
    // The format's stops (end of text) first, then the request's own.
    expect(sent?.body.stop).toEqual(['<|endoftext|>', '\n\n\n', '# End']);
    expect(sent?.body.max_tokens).toBe(64);
  });

  it('reports the usage the server sends in its usage chunk', async () => {
    upstream.script([
      { type: 'answer', text: 'print("hi")', usage: { promptTokens: 42, completionTokens: 7 } },
    ]);
    const out = await run(provider().generate(request()));
    expect(out.chunks.at(-1)).toEqual({ type: 'usage', promptTokens: 42, completionTokens: 7 });
  });

  it('estimates usage when the server sends none: prompt characters / 4 and one token per piece', async () => {
    upstream.script([{ type: 'answer', chunks: ['a', 'b', 'c', 'd', 'e'], usage: 'omit' }]);
    const out = await run(provider().generate(request()));
    const promptChars = 'You write Python.'.length + 'Add two numbers.'.length;
    expect(out.chunks.at(-1)).toEqual({
      type: 'usage',
      promptTokens: Math.ceil(promptChars / 4),
      completionTokens: 5,
    });
  });

  it('skips malformed chunks with a warning and keeps the answer', async () => {
    const before = logLines.length;
    upstream.script([{ type: 'answer', text: 'one two three', malformed: true }]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeUndefined();
    expect(out.tokens.join('')).toBe('one two three');
    const warnings = logLines.slice(before).filter((l) => l.includes('model stream: skipped a chunk'));
    expect(warnings).toHaveLength(3);
  });

  it('fails with ProviderError when nothing usable arrives', async () => {
    upstream.script([{ type: 'raw', body: `${MALFORMED_SSE}data: [DONE]\n\n` }]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeInstanceOf(ProviderError);
    expect((out.error as Error).message).toMatch(/Remote Coder sent no usable answer/);
  });

  it('reports an error the server puts in the stream', async () => {
    upstream.script([
      {
        type: 'raw',
        body: 'data: {"error": {"message": "CUDA out of memory", "type": "server_error"}}\n\n',
      },
    ]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeInstanceOf(ProviderError);
    expect((out.error as Error).message).toBe(
      'The model server for Remote Coder reported an error: CUDA out of memory',
    );
  });
});

describe('OpenAiCompatibleProvider: API key', () => {
  it('sends the key from the named environment variable as a bearer token', async () => {
    const keyed = await startOpenAiServer({ apiKey: API_KEY });
    try {
      const p = provider({ env: { HF_TOKEN: API_KEY } });
      const m = model({ baseUrl: keyed.baseUrl, apiKeyEnv: 'HF_TOKEN' });
      expect(p.status(m)).toEqual({ status: 'ready' });
      const out = await run(p.generate(request({ model: m })));
      expect(out.error).toBeUndefined();
      expect(keyed.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    } finally {
      await keyed.close();
    }
  });

  it('is unavailable, with the variable to set, when the key is missing', async () => {
    const p = provider({ env: { HF_TOKEN: '' } });
    const m = model({ apiKeyEnv: 'HF_TOKEN' });
    expect(p.status(m)).toEqual({ status: 'unavailable', reason: 'Set HF_TOKEN to use Remote Coder.' });
    const out = await run(p.generate(request({ model: m })));
    expect(out.error).toBeInstanceOf(ModelUnavailableError);
    expect(upstream.requests).toHaveLength(0);
  });

  it('turns 401 into ProviderAuthError with a plain message, without retrying', async () => {
    const keyed = await startOpenAiServer({ apiKey: 'the-right-key' });
    try {
      const p = provider({ env: { HF_TOKEN: API_KEY } });
      const out = await run(
        p.generate(request({ model: model({ baseUrl: keyed.baseUrl, apiKeyEnv: 'HF_TOKEN' }) })),
      );
      expect(out.error).toBeInstanceOf(ProviderAuthError);
      expect((out.error as Error).message).toBe('The model provider rejected the API key for Remote Coder.');
      expect(keyed.requests).toHaveLength(1);
    } finally {
      await keyed.close();
    }
  });
});

describe('OpenAiCompatibleProvider: logs', () => {
  it('never logs the API key or the Authorization header', async () => {
    const before = logLines.length;
    const keyed = await startOpenAiServer({ apiKey: API_KEY });
    try {
      const p = provider({ env: { HF_TOKEN: API_KEY } });
      const m = model({ baseUrl: keyed.baseUrl, apiKeyEnv: 'HF_TOKEN' });
      keyed.script([
        { type: 'error', status: 500, message: `backend failed for Bearer ${API_KEY}` },
        { type: 'answer', malformed: true },
        { type: 'error', status: 400, message: `bad request from ${API_KEY}` },
      ]);
      expect((await run(p.generate(request({ model: m })))).error).toBeUndefined();
      expect((await run(p.generate(request({ model: m })))).error).toBeInstanceOf(ProviderError);
      expect(keyed.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
    } finally {
      await keyed.close();
    }
    const lines = logLines.slice(before).join('');
    // The run did log (a retry and skipped chunks), so this check can fail.
    expect(lines).toContain('model request failed; will retry');
    expect(lines).toContain('model stream: skipped a chunk');
    expect(lines).not.toContain(API_KEY);
    expect(lines.toLowerCase()).not.toContain('authorization');
  });
});
