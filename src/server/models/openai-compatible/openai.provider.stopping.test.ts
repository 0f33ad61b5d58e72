import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_ANSWER, startOpenAiServer } from '../../../../test/helpers/openai-server.js';
import { run, SHORT_TIMEOUTS, useOpenAiProviderSuite } from '../../../../test/helpers/openai-provider.js';
import {
  GenerationCancelledError,
  ProviderError,
  ProviderRateLimitedError,
  ProviderTimeoutError,
} from '../model-errors.js';

/** OpenAiCompatibleProvider when things go wrong before or during an answer: retries, timeouts, aborts. */
const { upstream, logLines, logSince, provider, model, request } = useOpenAiProviderSuite();

/** The waits (ms) the provider logged with each "will retry" since log line `before`. */
function retryDelays(before: number): unknown[] {
  return logSince(before)
    .filter((line) => line.msg === 'model request failed; will retry')
    .map((line) => line.delayMs);
}

describe('OpenAiCompatibleProvider: retries before the first token', () => {
  it('waits out Retry-After on 429, then succeeds', async () => {
    upstream.script([{ type: 'error', status: 429, message: 'Rate limit reached', retryAfter: 1 }]);
    const before = logLines.length;
    const out = await run(provider().generate(request()));
    expect(out.error).toBeUndefined();
    expect(out.tokens.join('')).toBe(DEFAULT_CHAT_ANSWER);
    expect(upstream.requests).toHaveLength(2);
    // The wait it chose is logged with the retry (its length is not timed here: no wall-clock in tests).
    expect(retryDelays(before)).toEqual([1000]);
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
    const before = logLines.length;
    const out = await run(provider({ retry: { attempts: 3, baseDelayMs: 100 } }).generate(request()));
    expect(out.error).toBeInstanceOf(ProviderError);
    expect((out.error as Error).message).toBe(
      'The model server for Remote Coder failed (HTTP 503): Model is loading',
    );
    expect(upstream.requests).toHaveLength(3);
    // 100 ms, then 200 ms (each plus up to 20 % jitter), as logged with each retry.
    const [firstDelay = 0, secondDelay = 0, ...more] = retryDelays(before);
    expect(more).toEqual([]);
    expect(firstDelay).toBeGreaterThanOrEqual(100);
    expect(firstDelay).toBeLessThanOrEqual(120);
    expect(secondDelay).toBeGreaterThanOrEqual(200);
    expect(secondDelay).toBeLessThanOrEqual(240);
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
    const out = await run(provider({ timeouts: SHORT_TIMEOUTS }).generate(request()));
    expect(out.error).toBeInstanceOf(ProviderTimeoutError);
    expect((out.error as Error).message).toBe('Remote Coder did not respond within 0.3 s (connect timeout).');
    expect(upstream.requests).toHaveLength(1);
    await upstream.requests[0]?.ended;
    expect(upstream.requests[0]?.outcome).toBe('client-closed');
  });

  it('stops when the first token never comes', async () => {
    upstream.script([{ type: 'answer', stallAfterChunks: 0 }]);
    const out = await run(provider({ timeouts: SHORT_TIMEOUTS }).generate(request()));
    expect(out.error).toBeInstanceOf(ProviderTimeoutError);
    expect((out.error as Error).message).toBe(
      'Remote Coder sent no answer within 0.3 s (first-token timeout).',
    );
    expect(out.tokens).toEqual([]);
    // A timeout is the budget the operator chose: no retry.
    expect(upstream.requests).toHaveLength(1);
  });

  it('stops when the server goes silent between tokens', async () => {
    upstream.script([{ type: 'answer', text: 'one two three four', stallAfterChunks: 2 }]);
    const out = await run(provider({ timeouts: SHORT_TIMEOUTS }).generate(request()));
    expect(out.tokens).toEqual(['one', ' two']);
    expect(out.error).toBeInstanceOf(ProviderTimeoutError);
    expect((out.error as Error).message).toBe(
      'Remote Coder went silent for 0.3 s in the middle of the answer (idle timeout).',
    );
    await upstream.requests[0]?.ended;
    expect(upstream.requests[0]?.outcome).toBe('client-closed');
  });

  it('does not count time the consumer spends on a token as server silence', async () => {
    // Token 2 comes 350 ms after token 1 (a slow server), and the consumer stays on token 1 until the
    // server has sent token 2: no server silence at all, though 350 ms passes the 200 ms idle limit.
    upstream.script([{ type: 'answer', text: 'one two', delayMs: 350 }]);
    const p = provider({ timeouts: { connectMs: 1000, firstTokenMs: 1000, idleMs: 200 } });
    const out = await run(p.generate(request()), async (chunk) => {
      if (chunk.type === 'token' && chunk.text === 'one') {
        await expect.poll(() => upstream.requests[0]?.chunksSent ?? 0).toBeGreaterThanOrEqual(2);
      }
    });
    expect(out.error).toBeUndefined();
    expect(out.tokens).toEqual(['one', ' two']);
  });
});

describe('OpenAiCompatibleProvider: abort', () => {
  // The fake server stalls instead of finishing, so an exchange that ends was ended by the
  // provider: no clock involved, and a missed abort fails on the test timeout.
  it('closes the upstream connection on an abort mid-stream', async () => {
    upstream.script([{ type: 'answer', text: 'word '.repeat(200), delayMs: 20, stallAfterChunks: 3 }]);
    const controller = new AbortController();
    const out = await run(provider().generate(request({ signal: controller.signal })), (chunk) => {
      if (chunk.type === 'token' && !controller.signal.aborted) {
        controller.abort();
      }
    });
    expect(out.error).toBeInstanceOf(GenerationCancelledError);
    const seen = upstream.requests[0];
    await seen?.ended;
    expect(seen?.outcome).toBe('client-closed');
    expect(seen?.chunksSent).toBeLessThan(200);
  });

  it('aborts while waiting for the first token', async () => {
    upstream.script([{ type: 'answer', stallAfterChunks: 0 }]);
    const controller = new AbortController();
    // Timeouts longer than the test's own: only the abort can end this exchange.
    const p = provider({ timeouts: { connectMs: 60_000, firstTokenMs: 60_000, idleMs: 60_000 } });
    const pending = run(p.generate(request({ signal: controller.signal })));
    await upstream.waitForRequest(0);
    controller.abort();
    const out = await pending;
    expect(out.error).toBeInstanceOf(GenerationCancelledError);
    await upstream.requests[0]?.ended;
    expect(upstream.requests[0]?.outcome).toBe('client-closed');
  });

  it('sends nothing when the signal is already aborted', async () => {
    const out = await run(provider().generate(request({ signal: AbortSignal.abort() })));
    expect(out.error).toBeInstanceOf(GenerationCancelledError);
    expect(upstream.requests).toHaveLength(0);
  });

  it('closes the upstream connection when the consumer stops reading', async () => {
    // The server stalls after three words: the exchange ends only if the provider closes it.
    upstream.script([{ type: 'answer', text: 'word '.repeat(200), delayMs: 20, stallAfterChunks: 3 }]);
    for await (const chunk of provider().generate(request())) {
      if (chunk.type === 'token') {
        break;
      }
    }
    const seen = upstream.requests[0];
    await seen?.ended;
    expect(seen?.outcome).toBe('client-closed');
  });
});
