import Fastify, { type FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CHAT_ANSWER,
  DEFAULT_COMPLETION_ANSWER,
  MALFORMED_SSE,
  rejectResponseFormat,
  splitIntoChunks,
  startOpenAiServer,
  type OpenAiTestServer,
} from '../../../../test/helpers/openai-server.js';
import { logSink, secret } from '../../../../test/helpers/secrets.js';
import type { OpenAiModelEntry } from '../catalogue.js';
import {
  GenerationCancelledError,
  ModelUnavailableError,
  PromptTooLongError,
  ProviderAuthError,
  ProviderError,
  ProviderRateLimitedError,
  ProviderTimeoutError,
} from '../model-errors.js';
import type { ChatMessage, Chunk, GenerationRequest, ModelInput } from '../provider.port.js';
import { OpenAiCompatibleProvider, type OpenAiProviderOptions } from './openai.provider.js';
import { renderCompletion } from '../prompt-formats.js';

const API_KEY = secret('hf_test_0123456789abcdefSECRETKEY');
const TIMEOUTS = { connectMs: 300, firstTokenMs: 300, idleMs: 300 };

/** A real pino logger (Fastify's) writing into an array, and into the log audit's folder. */
const logLines: string[] = [];
const sink = logSink('openai-provider');
const log: FastifyBaseLogger = Fastify({
  logger: {
    level: 'trace',
    stream: {
      write: (line: string) => {
        logLines.push(line);
        sink.write(line);
      },
    },
  },
}).log;

let upstream: OpenAiTestServer;

beforeAll(async () => {
  upstream = await startOpenAiServer();
});
afterAll(async () => {
  await upstream.close();
});
/** Providers made by the current test: closed after it, which stops the status checks failures start. */
const made: OpenAiCompatibleProvider[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((p) => p.close()));
  upstream.reset();
});

function provider(overrides: Partial<OpenAiProviderOptions> = {}): OpenAiCompatibleProvider {
  const created = new OpenAiCompatibleProvider({
    timeouts: TIMEOUTS,
    retry: { attempts: 3, baseDelayMs: 20 },
    env: {},
    log,
    ...overrides,
  });
  made.push(created);
  return created;
}

function model(overrides: Partial<OpenAiModelEntry> = {}): OpenAiModelEntry {
  return {
    id: 'remote-coder',
    name: 'Remote Coder',
    provider: 'openai-compatible',
    format: 'chat',
    baseUrl: upstream.baseUrl,
    model: 'org/remote-coder-7b',
    ...overrides,
  };
}

const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You write Python.' },
  { role: 'user', content: 'Add two numbers.' },
];
const CHAT: ModelInput = { style: 'chat', messages: MESSAGES };
const COMPLETION: ModelInput = { style: 'text', prompt: renderCompletion('# Add two numbers\ndef add(', []) };

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return {
    model: model(),
    input: CHAT,
    params: { temperature: 0.2, maxTokens: 256, topP: 0.9, stop: [] },
    signal: new AbortController().signal,
    ...overrides,
  };
}

interface Outcome {
  chunks: Chunk[];
  tokens: string[];
  error: unknown;
  ms: number;
}

/** Consumes a whole generation, keeping what arrived before any error. */
async function run(
  stream: AsyncIterable<Chunk>,
  onChunk?: (chunk: Chunk) => void | Promise<void>,
): Promise<Outcome> {
  const started = performance.now();
  const chunks: Chunk[] = [];
  let error: unknown;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      await onChunk?.(chunk);
    }
  } catch (caught) {
    error = caught;
  }
  return {
    chunks,
    tokens: chunks.flatMap((c) => (c.type === 'token' ? [c.text] : [])),
    error,
    ms: performance.now() - started,
  };
}

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

describe('OpenAiCompatibleProvider: retries before the first token', () => {
  it('waits out Retry-After on 429, then succeeds', async () => {
    upstream.script([{ type: 'error', status: 429, message: 'Rate limit reached', retryAfter: 1 }]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeUndefined();
    expect(out.tokens.join('')).toBe(DEFAULT_CHAT_ANSWER);
    expect(upstream.requests).toHaveLength(2);
    const [first, second] = upstream.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once with ProviderRateLimitedError when Retry-After is too long to wait', async () => {
    upstream.script([{ type: 'error', status: 429, retryAfter: 3600 }]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeInstanceOf(ProviderRateLimitedError);
    expect((out.error as ProviderRateLimitedError).retryAfterSeconds).toBe(3600);
    expect(upstream.requests).toHaveLength(1);
  });

  it('throws ProviderRateLimitedError after the configured attempts of 429', async () => {
    upstream.script(() => ({ type: 'error', status: 429 }));
    const out = await run(provider().generate(request()));
    expect(out.error).toBeInstanceOf(ProviderRateLimitedError);
    expect(upstream.requests).toHaveLength(3);
  });

  it('retries a 500 and succeeds on the next attempt', async () => {
    upstream.script([{ type: 'error', status: 500, message: 'Internal error' }]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeUndefined();
    expect(out.tokens.join('')).toBe(DEFAULT_CHAT_ANSWER);
    expect(upstream.requests).toHaveLength(2);
  });

  it('backs off exponentially and gives up with the upstream message after the last 5xx', async () => {
    upstream.script(() => ({ type: 'error', status: 503, message: 'Model is loading' }));
    const out = await run(provider({ retry: { attempts: 3, baseDelayMs: 100 } }).generate(request()));
    expect(out.error).toBeInstanceOf(ProviderError);
    expect((out.error as Error).message).toBe(
      'The model server for Remote Coder failed (HTTP 503): Model is loading',
    );
    const times = upstream.requests.map((r) => r.receivedAt);
    expect(times).toHaveLength(3);
    // 100 ms, then 200 ms (each plus up to 20 % jitter).
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(95);
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(195);
  });

  it('retries a connection reset before any answer', async () => {
    upstream.script([{ type: 'reset' }]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeUndefined();
    expect(upstream.requests).toHaveLength(2);
  });

  it('says it could not reach the server after the last attempt; the URL and the cause go to the log only', async () => {
    const gone = await startOpenAiServer();
    const baseUrl = gone.baseUrl;
    await gone.close();
    const before = logLines.length;
    const out = await run(provider().generate(request({ model: model({ baseUrl }) })));
    expect(out.error).toBeInstanceOf(ProviderError);
    expect((out.error as Error).message).toBe('Could not reach the model server for Remote Coder.');
    const giving = logLines.slice(before).find((l) => l.includes('model request failed; giving up'));
    expect(giving).toContain(baseUrl);
    expect(giving).toContain('ECONNREFUSED');
  });

  it('never retries after the first token: a drop mid-stream is a ProviderError', async () => {
    upstream.script([{ type: 'answer', text: 'def add(a, b): return a + b', dropAfterChunks: 2 }]);
    const out = await run(provider().generate(request()));
    expect(out.tokens).toEqual(['def', ' add(a,']);
    expect(out.error).toBeInstanceOf(ProviderError);
    expect((out.error as Error).message).toBe('The connection to Remote Coder was lost mid-answer.');
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.outcome).toBe('server-dropped');
  });
});

describe('OpenAiCompatibleProvider: timeouts', () => {
  it('stops waiting for response headers after the connect timeout', async () => {
    upstream.script([{ type: 'hang' }]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeInstanceOf(ProviderTimeoutError);
    expect((out.error as Error).message).toBe('Remote Coder did not respond within 0.3 s (connect timeout).');
    expect(out.ms).toBeGreaterThanOrEqual(280);
    expect(out.ms).toBeLessThan(1500);
    expect(upstream.requests).toHaveLength(1);
    await upstream.requests[0]?.ended;
    expect(upstream.requests[0]?.outcome).toBe('client-closed');
  });

  it('stops when the first token never comes', async () => {
    upstream.script([{ type: 'answer', stallAfterChunks: 0 }]);
    const out = await run(provider().generate(request()));
    expect(out.error).toBeInstanceOf(ProviderTimeoutError);
    expect((out.error as Error).message).toBe(
      'Remote Coder sent no answer within 0.3 s (first-token timeout).',
    );
    expect(out.tokens).toEqual([]);
    expect(out.ms).toBeGreaterThanOrEqual(280);
    expect(out.ms).toBeLessThan(1500);
    // A timeout is the budget the operator chose: no retry.
    expect(upstream.requests).toHaveLength(1);
  });

  it('stops when the server goes silent between tokens', async () => {
    upstream.script([{ type: 'answer', text: 'one two three four', stallAfterChunks: 2 }]);
    const out = await run(provider().generate(request()));
    expect(out.tokens).toEqual(['one', ' two']);
    expect(out.error).toBeInstanceOf(ProviderTimeoutError);
    expect((out.error as Error).message).toBe(
      'Remote Coder went silent for 0.3 s in the middle of the answer (idle timeout).',
    );
    await upstream.requests[0]?.ended;
    expect(upstream.requests[0]?.outcome).toBe('client-closed');
  });

  it('does not count time the consumer spends on a token as server silence', async () => {
    // Token 2 comes 350 ms after token 1, but we spend 250 ms of that on token 1: 100 ms of waiting.
    upstream.script([{ type: 'answer', text: 'one two', delayMs: 350 }]);
    const p = provider({ timeouts: { connectMs: 1000, firstTokenMs: 1000, idleMs: 200 } });
    const out = await run(p.generate(request()), async (chunk) => {
      if (chunk.type === 'token') {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    expect(out.error).toBeUndefined();
    expect(out.tokens).toEqual(['one', ' two']);
  });
});

describe('OpenAiCompatibleProvider: abort', () => {
  it('closes the upstream connection within 1 s of an abort mid-stream', async () => {
    upstream.script([{ type: 'answer', text: 'word '.repeat(200), delayMs: 20 }]);
    const controller = new AbortController();
    let abortedAt = 0;
    const out = await run(provider().generate(request({ signal: controller.signal })), (chunk) => {
      if (chunk.type === 'token' && abortedAt === 0) {
        abortedAt = performance.now();
        controller.abort();
      }
    });
    expect(out.error).toBeInstanceOf(GenerationCancelledError);
    const seen = upstream.requests[0];
    await seen?.ended;
    expect(seen?.outcome).toBe('client-closed');
    expect((seen?.endedAt ?? Infinity) - abortedAt).toBeLessThan(1000);
    expect(seen?.chunksSent).toBeLessThan(200);
  });

  it('aborts while waiting for the first token', async () => {
    upstream.script([{ type: 'answer', stallAfterChunks: 0 }]);
    const controller = new AbortController();
    const p = provider({ timeouts: { connectMs: 5000, firstTokenMs: 5000, idleMs: 5000 } });
    const pending = run(p.generate(request({ signal: controller.signal })));
    await upstream.waitForRequest(0);
    const abortedAt = performance.now();
    controller.abort();
    const out = await pending;
    expect(out.error).toBeInstanceOf(GenerationCancelledError);
    await upstream.requests[0]?.ended;
    expect(upstream.requests[0]?.outcome).toBe('client-closed');
    expect((upstream.requests[0]?.endedAt ?? Infinity) - abortedAt).toBeLessThan(1000);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const out = await run(provider().generate(request({ signal: AbortSignal.abort() })));
    expect(out.error).toBeInstanceOf(GenerationCancelledError);
    expect(upstream.requests).toHaveLength(0);
  });

  it('closes the upstream connection when the consumer stops reading', async () => {
    upstream.script([{ type: 'answer', text: 'word '.repeat(200), delayMs: 20 }]);
    for await (const chunk of provider().generate(request())) {
      if (chunk.type === 'token') {
        break;
      }
    }
    const stoppedAt = performance.now();
    const seen = upstream.requests[0];
    await seen?.ended;
    expect(seen?.outcome).toBe('client-closed');
    expect((seen?.endedAt ?? Infinity) - stoppedAt).toBeLessThan(1000);
  });
});

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
