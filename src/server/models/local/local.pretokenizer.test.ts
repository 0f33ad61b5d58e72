import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../../../../test/helpers/tiny-gguf.js';
import type { LocalModelEntry } from '../catalogue.js';
import { ModelUnavailableError } from '../model-errors.js';
import { renderCompletion } from '../prompt-formats.js';
import type { Chunk } from '../provider.port.js';
import { LocalProvider } from './local.provider.js';

/**
 * A BPE model file without tokenizer.ggml.pre, as the old DeepSeek-Coder and
 * Phi-2 conversions are, on real llama.cpp: the catalogue's preTokenizer
 * reaches llama.cpp as a metadata override.
 */
describe('preTokenizer', () => {
  let dir: string;
  let file: string;
  let logLines: string[];
  let provider: LocalProvider;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-pretokenizer-'));
    file = path.join(dir, 'tiny-bpe.gguf');
    writeTinyGguf(file, { vocab: 'bpe', contextLength: 512 });
    logLines = [];
    const log = Fastify({
      logger: { level: 'warn', stream: { write: (line: string) => void logLines.push(line) } },
    }).log;
    provider = new LocalProvider({
      modelsDir: dir,
      autoDownload: false,
      // Room for one tiny model: each test's model replaces the one before.
      memoryBudgetBytes: 64 * 1_048_576,
      gpu: 'off',
      parallel: 1,
      queueLength: 2,
      firstTokenTimeoutMs: 20_000,
      idleTimeoutMs: 10_000,
      threads: 1,
      log,
    });
  });
  afterAll(async () => {
    await provider.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const entry = (id: string, preTokenizer?: string): LocalModelEntry => ({
    id,
    name: `Tiny ${id}`,
    provider: 'local',
    format: 'completion',
    source: file,
    ...(preTokenizer === undefined ? {} : { preTokenizer }),
  });

  async function complete(model: LocalModelEntry): Promise<Chunk[]> {
    const chunks: Chunk[] = [];
    for await (const chunk of provider.generate({
      model,
      input: { style: 'text', prompt: renderCompletion('def add(a, b):', []) },
      params: { temperature: 0, topP: 1, maxTokens: 4, stop: [] },
      signal: new AbortController().signal,
    })) {
      chunks.push(chunk);
    }
    return chunks;
  }

  const degraded = () => logLines.filter((l) => l.includes('missing pre-tokenizer type')).length;

  it('without one, llama.cpp warns that quality is degraded', async () => {
    await complete(entry('bare'));
    // llama.cpp's log lines reach JavaScript asynchronously.
    await expect.poll(degraded).toBe(1);
  });

  it('with one, the file loads without the warning and generates', async () => {
    const before = degraded();
    const chunks = await complete(entry('pinned', 'deepseek-coder'));
    expect(chunks.at(-1)).toMatchObject({ type: 'usage', completionTokens: 4 });
    expect(degraded()).toBe(before);
  });

  it('a name llama.cpp does not know makes the model unavailable, saying which name', async () => {
    const error = await complete(entry('typo', 'deepseek-codr')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain('Check its preTokenizer "deepseek-codr" in the catalogue');
    await expect
      .poll(() => logLines.some((l) => l.includes("unknown pre-tokenizer type: 'deepseek-codr'")))
      .toBe(true);
  });
});
