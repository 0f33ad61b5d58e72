import { afterEach } from 'vitest';
import type { OpenAiModelEntry } from '../../src/server/models/catalogue.js';
import {
  OpenAiCompatibleProvider,
  type OpenAiProviderOptions,
} from '../../src/server/models/openai-compatible/openai.provider.js';
import { renderCompletion } from '../../src/server/models/prompt-formats.js';
import type {
  ChatMessage,
  Chunk,
  GenerationRequest,
  ModelInput,
} from '../../src/server/models/provider.port.js';
import { captureLog } from './capture-log.js';
import { secret } from './secrets.js';
import { useOpenAiServer } from './suite.js';

/**
 * What the OpenAiCompatibleProvider tests share: the fake OpenAI server,
 * providers (closed after each test, which stops the
 * status checks failures start), a catalogue entry on the fake server, a
 * request, and a runner that keeps what arrived before an error.
 */

/** A key that must never reach a log line (the log audit checks it too). */
export const API_KEY = secret('hf_test_0123456789abcdefSECRETKEY');

/**
 * Generous by default, so a busy machine never trips a timeout a test is not
 * about; the timeout tests pass SHORT_TIMEOUTS themselves.
 */
const TIMEOUTS = { connectMs: 10_000, firstTokenMs: 10_000, idleMs: 10_000 };

/** For the tests of the timeouts themselves (their messages say "0.3 s"). */
export const SHORT_TIMEOUTS = { connectMs: 300, firstTokenMs: 300, idleMs: 300 };

export const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You write Python.' },
  { role: 'user', content: 'Add two numbers.' },
];
export const CHAT: ModelInput = { style: 'chat', messages: MESSAGES };
export const COMPLETION: ModelInput = {
  style: 'text',
  prompt: renderCompletion('# Add two numbers\ndef add(', []),
};

/** Starts the suite's fake server and logger; returns factories bound to them. */
export function useOpenAiProviderSuite() {
  const { log, lines: logLines } = captureLog('trace', 'openai-provider');
  const upstream = useOpenAiServer();
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

  function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
    return {
      model: model(),
      input: CHAT,
      params: { temperature: 0.2, maxTokens: 256, topP: 0.9, stop: [] },
      signal: new AbortController().signal,
      ...overrides,
    };
  }

  /** The log lines written since `before` (an index into logLines), parsed. */
  function logSince(before: number): Record<string, unknown>[] {
    return logLines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  return { upstream, logLines, logSince, provider, model, request };
}

export interface Outcome {
  chunks: Chunk[];
  tokens: string[];
  error: unknown;
}

/** Consumes a whole generation, keeping what arrived before any error. */
export async function run(
  stream: AsyncIterable<Chunk>,
  onChunk?: (chunk: Chunk) => void | Promise<void>,
): Promise<Outcome> {
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
  return { chunks, tokens: chunks.flatMap((c) => (c.type === 'token' ? [c.text] : [])), error };
}
