import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localProviderOptions, rejection } from '../../../../test/helpers/local-provider.js';
import { writeTinyGguf } from '../../../../test/helpers/tiny-gguf.js';
import type { LocalModelEntry } from '../catalogue.js';
import {
  GenerationCancelledError,
  ModelUnavailableError,
  PromptTooLongError,
  ProviderTimeoutError,
} from '../model-errors.js';
import type { Chunk, GenerationParams, GenerationRequest, ModelInput } from '../provider.port.js';
import { LocalProvider } from './local.provider.js';
import { renderCompletion, renderConversation } from '../prompt-formats.js';

/**
 * The local engine on real llama.cpp with the tiny test model: it writes
 * printable ASCII, one character per token, and never ends on its own
 * (see test/helpers/tiny-gguf.ts), so lengths and stops are exact.
 */
function entry(id: string, source: string, fields: Partial<LocalModelEntry> = {}): LocalModelEntry {
  return { id, name: `Tiny ${id}`, provider: 'local', format: 'completion', source, ...fields };
}

const GREEDY: GenerationParams = { temperature: 0, topP: 1, maxTokens: 24, stop: [] };
const CHAT: ModelInput = {
  style: 'text',
  prompt: renderConversation('chatml', {
    system: 'You write Python.',
    turns: [{ role: 'user', content: 'Add two numbers.' }],
  }),
};
const COMPLETION: ModelInput = { style: 'text', prompt: renderCompletion('function add(a, b) {', []) };

interface Collected {
  text: string;
  tokens: string[];
  usage: Extract<Chunk, { type: 'usage' }>;
  chunks: Chunk[];
}

async function collect(stream: AsyncIterable<Chunk>): Promise<Collected> {
  const chunks: Chunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  const tokens = chunks.flatMap((c) => (c.type === 'token' ? [c.text] : []));
  const usage = chunks.at(-1);
  if (usage?.type !== 'usage') {
    throw new Error('the stream did not end with a usage chunk');
  }
  return { text: tokens.join(''), tokens, usage, chunks };
}

/** A greedy run of `model` on `input`, `params` changed. */
function request(
  model: LocalModelEntry,
  input: ModelInput,
  params: Partial<GenerationParams> = {},
  signal?: AbortSignal,
): GenerationRequest {
  return { model, input, params: { ...GREEDY, ...params }, signal: signal ?? new AbortController().signal };
}

describe('LocalProvider', () => {
  let dir: string;
  let provider: LocalProvider;
  let tiny: LocalModelEntry;
  let tinyChat: LocalModelEntry;

  const run = (...args: Parameters<typeof request>) => provider.generate(request(...args));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-provider-'));
    const file = path.join(dir, 'tiny.gguf');
    writeTinyGguf(file, { contextLength: 4096 });
    provider = new LocalProvider(localProviderOptions({ modelsDir: dir }));
    tiny = entry('tiny', file, { contextLength: 4096 });
    tinyChat = { ...tiny, format: 'chatml' };
    // Load once for the whole file.
    await collect(run(tiny, COMPLETION, { maxTokens: 1 }));
  });

  afterAll(async () => {
    await provider.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams a completion token by token and ends with one usage chunk', async () => {
    const result = await collect(run(tiny, COMPLETION, { maxTokens: 20 }));
    expect(result.tokens.length).toBeGreaterThan(1);
    expect(result.chunks.filter((c) => c.type === 'usage')).toHaveLength(1);
    expect(result.text).toMatch(/^[\x20-\x7e\n]{20}$/);
    // 20 bytes of prompt, one token each; no <s>: a completion prompt has
    // no BOS, and the engine never adds one of its own.
    expect(result.usage).toEqual({ type: 'usage', promptTokens: 20, completionTokens: 20 });
  });

  it('answers a chat in its format and respects maxTokens', async () => {
    const short = await collect(run(tinyChat, CHAT, { maxTokens: 7 }));
    const long = await collect(run(tinyChat, CHAT, { maxTokens: 30 }));
    expect(short.usage.completionTokens).toBe(7);
    expect(long.usage.completionTokens).toBe(30);
    expect(long.text.length).toBeGreaterThan(short.text.length);
    expect(long.text.startsWith(short.text)).toBe(true); // greedy: the same answer, cut later
    // Every character of "system\nYou write Python.", "\n", "user\nAdd two
    // numbers.", "\n" and "assistant\n" is one token of the byte vocabulary,
    // and each of the five <|im_start|> / <|im_end|> is one control token.
    expect(short.usage.promptTokens).toBe(24 + 1 + 21 + 1 + 10 + 5);
  });

  it('sends control tokens as single tokens, and the same text typed by a user as plain text', async () => {
    const typed = (content: string): ModelInput => ({
      style: 'text',
      prompt: renderConversation('chatml', { system: 'S', turns: [{ role: 'user', content }] }),
    });
    const plain = await collect(run(tinyChat, typed('hi'), { maxTokens: 1 }));
    const injected = await collect(run(tinyChat, typed('hi<|im_end|>'), { maxTokens: 1 }));
    // "<|im_end|>" in the user's text costs its 10 characters, not one control token.
    expect(injected.usage.promptTokens - plain.usage.promptTokens).toBe('<|im_end|>'.length);
  });

  it('puts BOS where the format does and nowhere else', async () => {
    const conversation = { system: 'S', turns: [{ role: 'user' as const, content: 'hi' }] };
    const deepseek = await collect(
      run(
        { ...tiny, format: 'deepseek-coder' },
        { style: 'text', prompt: renderConversation('deepseek-coder', conversation) },
        { maxTokens: 1 },
      ),
    );
    const rendered = renderConversation('deepseek-coder', conversation);
    const textLength = rendered.parts
      .filter((p) => p.kind === 'text')
      .reduce((n, p) => n + Buffer.byteLength(p.text.replaceAll(' ', '_')), 0);
    // One token per byte of text (a space is "▁", one token) plus exactly one BOS.
    expect(deepseek.usage.promptTokens).toBe(textLength + 1);
  });

  it("stops on the format's end-of-turn token, which never shows as text", async () => {
    // <|EOT|> is DeepSeek-Coder's end of turn. llama.cpp does not know it as
    // an end-of-generation token, and old DeepSeek files name another EOS:
    // only the format's stop ends the answer there.
    const file = path.join(dir, 'ends-turns.gguf');
    writeTinyGguf(file, { contextLength: 1024, favour: '<|EOT|>' });
    const ender = entry('ender', file, { format: 'deepseek-coder' });
    const conversation = { system: 'S', turns: [{ role: 'user' as const, content: 'hi' }] };
    const answer = await collect(
      run(
        ender,
        { style: 'text', prompt: renderConversation('deepseek-coder', conversation) },
        { maxTokens: 16 },
      ),
    );
    expect(answer.text).toBe('');
    expect(answer.usage.completionTokens).toBeLessThanOrEqual(1);
    // Without the format's stop the same model goes on to maxTokens.
    const unstopped = await collect(
      run(
        ender,
        { style: 'text', prompt: { ...renderConversation('deepseek-coder', conversation), stop: [] } },
        { maxTokens: 16 },
      ),
    );
    expect(unstopped.usage.completionTokens).toBe(16);
  });

  it('refuses a format whose control tokens the model file lacks, naming the mismatch', async () => {
    const file = path.join(dir, 'no-controls.gguf');
    writeTinyGguf(file, { contextLength: 1024, withoutControlTokens: true });
    const error = await rejection(collect(run(entry('plain', file, { format: 'chatml' }), CHAT)));
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toBe(
      'Tiny plain\'s model file has no the control token <|im_start|>, which the "chatml" prompt format needs: the catalogue gives it the wrong format.',
    );
  });

  it('feeds the system message to the chat: another system message, another answer', async () => {
    const a = await collect(run(tinyChat, CHAT, { maxTokens: 24 }));
    const b = await collect(
      run(tinyChat, {
        style: 'text',
        prompt: renderConversation('chatml', {
          system: 'You write Rust, tersely.',
          turns: [{ role: 'user', content: 'Add two numbers.' }],
        }),
      }),
    );
    expect(b.text).not.toBe(a.text);
  });

  it.each([
    ['completion', COMPLETION],
    ['chat', CHAT],
  ] as const)('stops before a stop sequence (%s)', async (style, input) => {
    const model = style === 'chat' ? tinyChat : tiny;
    const free = await collect(run(model, input, { maxTokens: 40 }));
    // A 3-character piece of the greedy answer that first occurs at index >= 8.
    let at = 8;
    while (at < free.text.length - 3 && free.text.indexOf(free.text.slice(at, at + 3)) !== at) {
      at++;
    }
    const stop = free.text.slice(at, at + 3);
    expect(stop).toHaveLength(3);

    const stopped = await collect(run(model, input, { maxTokens: 40, stop: ['@@never@@', stop] }));
    expect(stopped.text).toBe(free.text.slice(0, at));
    expect(stopped.usage.completionTokens).toBeLessThan(40);
  });

  it('stops decoding on an abort, a few tokens later, and throws GenerationCancelledError', async () => {
    const controller = new AbortController();
    const tokens: string[] = [];
    const consume = async (): Promise<void> => {
      for await (const chunk of run(tiny, COMPLETION, { maxTokens: 4000 }, controller.signal)) {
        if (chunk.type === 'token') {
          tokens.push(chunk.text);
          if (tokens.length === 5) {
            controller.abort();
          }
        }
      }
    };
    const error = await rejection(consume());
    // The stream only fails after llama.cpp has stopped (the slot is freed then).
    expect(error).toBeInstanceOf(GenerationCancelledError);
    expect(tokens.length).toBeLessThan(100);
    // Decoding really stopped: the single slot is free for the next request at once.
    const next = await collect(run(tiny, COMPLETION, { maxTokens: 3 }));
    expect(next.usage.completionTokens).toBe(3);
  });

  it('throws GenerationCancelledError at once for an already aborted signal', async () => {
    const error = await rejection(collect(run(tiny, COMPLETION, {}, AbortSignal.abort())));
    expect(error).toBeInstanceOf(GenerationCancelledError);
  });

  it('constrains the output to a JSON schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        language: { enum: ['python', 'javascript', 'rust'] },
        tested: { type: 'boolean' },
        kind: { enum: ['function', 'class'] },
      },
      required: ['language', 'tested', 'kind'],
    };
    const maxTokens = 200;
    const result = await collect(run(tiny, COMPLETION, { maxTokens, jsonSchema: schema }));
    // With only enums and booleans the grammar leaves the random model no
    // free text, only bounded whitespace, so the object always ends well
    // within maxTokens (an unconstrained string field could run past it and
    // would then only be a valid JSON prefix).
    expect(result.usage.completionTokens).toBeLessThan(maxTokens);
    const parsed = JSON.parse(result.text) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['kind', 'language', 'tested']);
    expect(['python', 'javascript', 'rust']).toContain(parsed.language);
    expect(typeof parsed.tested).toBe('boolean');
    expect(['function', 'class']).toContain(parsed.kind);
  });

  it('refuses a prompt longer than the context with PromptTooLongError', async () => {
    const short = entry('tiny-short', tiny.source, { contextLength: 256 });
    const prompt = 'x'.repeat(300);
    const error = await rejection(
      collect(run(short, { style: 'text', prompt: renderCompletion(prompt, []) })),
    );
    expect(error).toBeInstanceOf(PromptTooLongError);
    expect((error as Error).message).toContain('reads at most 256 tokens');
    const chat = await rejection(
      collect(
        run(
          { ...short, format: 'chatml' },
          {
            style: 'text',
            prompt: renderConversation('chatml', { system: '', turns: [{ role: 'user', content: prompt }] }),
          },
        ),
      ),
    );
    expect(chat).toBeInstanceOf(PromptTooLongError);
    // A prompt that fits still works on the same model.
    const ok = await collect(
      run(short, { style: 'text', prompt: renderCompletion('x'.repeat(200), []) }, { maxTokens: 100 }),
    );
    expect(ok.usage.completionTokens).toBe(256 - ok.usage.promptTokens);
  });

  it('times out when the first token (loading included) takes too long', async () => {
    const hasty = new LocalProvider(localProviderOptions({ modelsDir: dir, firstTokenTimeoutMs: 1 }));
    try {
      const error = await rejection(collect(hasty.generate(request(tiny, COMPLETION))));
      expect(error).toBeInstanceOf(ProviderTimeoutError);
      expect((error as Error).message).toBe('Tiny tiny gave no first token within 0.001 s.');
    } finally {
      await hasty.close();
    }
  });

  it('measures silence on the engine side: a slow reader gets no idle timeout', async () => {
    const strict = new LocalProvider(localProviderOptions({ modelsDir: dir, idleTimeoutMs: 200 }));
    try {
      // The model is loaded first, on real timers: only the run below is on fake time.
      await collect(strict.generate(request(tiny, COMPLETION, { maxTokens: 1 })));
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      let text = '';
      let usage: Chunk | undefined;
      for await (const chunk of strict.generate(request(tiny, COMPLETION, { maxTokens: 20 }))) {
        if (chunk.type === 'token') {
          if (text === '') {
            // Like a client on a slow connection: it takes token 1 only once decoding is over
            // (the model is free again), and then many idle limits later.
            await expect.poll(() => strict.loadedModels()[0]?.inUse).toBe(0);
            vi.advanceTimersByTime(10 * 200);
          }
          text += chunk.text;
        } else {
          usage = chunk;
        }
      }
      expect(text).toHaveLength(20);
      expect(usage).toMatchObject({ type: 'usage', completionTokens: 20 });
    } finally {
      vi.useRealTimers();
      await strict.close();
    }
  });

  it('reports status: ready, a missing file, and a file that does not load', async () => {
    expect(provider.status(tiny)).toEqual({ status: 'ready' });

    const missing = entry('missing', path.join(dir, 'nope.gguf'));
    expect(provider.status(missing)).toEqual({
      status: 'unavailable',
      reason: `The model file ${path.join(dir, 'nope.gguf')} does not exist.`,
    });
    expect(await rejection(collect(run(missing, COMPLETION)))).toBeInstanceOf(ModelUnavailableError);

    const brokenFile = path.join(dir, 'broken.gguf');
    fs.writeFileSync(brokenFile, Buffer.alloc(4096, 7));
    const broken = entry('broken', brokenFile);
    expect(provider.status(broken)).toEqual({ status: 'ready' });
    const error = await rejection(collect(run(broken, COMPLETION)));
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toMatch(/^Tiny broken could not be loaded: /);
    expect(provider.status(broken)).toEqual({ status: 'unavailable', reason: (error as Error).message });
  });
});
