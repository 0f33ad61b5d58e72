import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  getLlama,
  LlamaCompletion,
  LlamaLogLevel,
  readGgufFileInfo,
  type Llama,
  type LlamaModel,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_VOCAB_SIZE, writeTinyGguf } from '../../../../test/helpers/tiny-gguf.js';

/** The test model writer (test/helpers/tiny-gguf.ts) against the real llama.cpp. */
describe('writeTinyGguf', () => {
  let dir: string;
  let file: string;
  let llama: Llama;
  let model: LlamaModel;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-gguf-'));
    file = path.join(dir, 'tiny.gguf');
    writeTinyGguf(file, { seed: 7 });
    llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: file });
  });

  afterAll(async () => {
    await llama.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a GGUF v3 file of a few hundred KB with the llama metadata and tensors', async () => {
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(100_000);
    expect(size).toBeLessThan(600_000);
    expect(fs.readFileSync(file).subarray(0, 4).toString('ascii')).toBe('GGUF');

    const info = await readGgufFileInfo(file, { logWarnings: false });
    expect(info.version).toBe(3);
    const meta = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(meta.general).toMatchObject({ architecture: 'llama', alignment: 32 });
    expect(meta.llama).toMatchObject({
      context_length: 1024,
      embedding_length: 64,
      block_count: 2,
      feed_forward_length: 128,
      attention: { head_count: 4, head_count_kv: 2, layer_norm_rms_epsilon: expect.closeTo(1e-5, 8) },
      rope: { dimension_count: 16 },
    });
    const tokenizer = (meta.tokenizer as Record<string, Record<string, unknown>>).ggml;
    expect(tokenizer).toMatchObject({
      model: 'llama',
      bos_token_id: 1,
      eos_token_id: 2,
      unknown_token_id: 0,
    });
    expect(tokenizer?.tokens).toHaveLength(TINY_VOCAB_SIZE);
    expect((tokenizer?.tokens as string[]).slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect((tokenizer?.token_type as number[])[3 + 0x41]).toBe(6);

    const names = (info.fullTensorInfo ?? info.tensorInfo ?? []).map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'token_embd.weight',
        'output_norm.weight',
        'output.weight',
        ...[0, 1].flatMap((l) =>
          [
            'attn_norm',
            'attn_q',
            'attn_k',
            'attn_v',
            'attn_output',
            'ffn_norm',
            'ffn_gate',
            'ffn_up',
            'ffn_down',
          ].map((t) => `blk.${l}.${t}.weight`),
        ),
      ]),
    );
    expect(names).toHaveLength(3 + 2 * 9);
  });

  it('tokenises byte by byte and decodes back to the same text', () => {
    const text = 'def add(a, b):\n    return a + b';
    const tokens = model.tokenize(text);
    // One token per byte: spaces are SentencePiece's "▁" token, everything else a byte token.
    // No leading "▁": the file sets add_space_prefix off, as Gemma's do.
    expect(tokens).toHaveLength(Buffer.byteLength(text));
    expect(model.detokenize(tokens)).toBe(text);
    expect(model.tokenize('é')).toHaveLength(2); // two UTF-8 bytes
    expect(model.detokenize(model.tokenize('é'))).toBe('é');
  });

  it('generates printable text deterministically, and differently for another seed', async () => {
    const generate = async (m: LlamaModel): Promise<string> => {
      const context = await m.createContext({ contextSize: 256, threads: 1 });
      try {
        const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
        return await completion.generateCompletion('function add(a, b) {', { maxTokens: 24 });
      } finally {
        await context.dispose();
      }
    };
    const first = await generate(model);
    expect(first).toHaveLength(24); // one printable byte per token, no end-of-text token
    expect(first).toMatch(/^[\x20-\x7e\n]+$/);
    expect(await generate(model)).toBe(first);

    const otherFile = path.join(dir, 'other.gguf');
    writeTinyGguf(otherFile, { seed: 8 });
    const other = await llama.loadModel({ modelPath: otherFile });
    try {
      expect(await generate(other)).not.toBe(first);
    } finally {
      await other.dispose();
    }
  });
});
