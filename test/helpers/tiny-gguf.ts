import fs from 'node:fs';

/**
 * Writes a tiny but real GGUF model (llama architecture, F32 weights, a
 * byte-level SentencePiece vocabulary) so tests can run llama.cpp without a
 * download. Written from the GGUF v3 specification
 * (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md):
 *
 *   header        magic "GGUF", version u32, tensor count u64, metadata count u64
 *   metadata      key (string), value type u32, value
 *   tensor infos  name, n_dims u32, dims u64[n_dims] (innermost first), ggml type u32, data offset u64
 *   padding       to general.alignment
 *   tensor data   each tensor at its offset (a multiple of the alignment)
 *
 * The weights are random but shaped so that the output is usable in tests:
 * dimension 0 of the residual stream is a constant "bias channel" (every
 * token embedding holds 1 there and the layers add only small values), and
 * the output matrix weighs that channel strongly negative for every token
 * except printable ASCII and newline. So the model never emits <s>, </s>,
 * <unk> or a non-ASCII byte: it writes plain printable text until maxTokens,
 * which makes stop sequences and token counts checkable.
 */
export interface TinyGgufOptions {
  /** Seed of the deterministic random weights (default 1). */
  seed?: number;
  /** Width of the residual stream (default 64). */
  nEmbd?: number;
  /** Transformer blocks (default 2). */
  nLayer?: number;
  /** Attention heads (default 4). */
  nHead?: number;
  /** Key/value heads (default 2: grouped-query attention, as modern models use). */
  nHeadKv?: number;
  /** Hidden width of the feed-forward block (default 128). */
  nFf?: number;
  /** Trained context length written to the metadata (default 1024). */
  contextLength?: number;
  /** general.name (default "codegenie-tiny"). */
  name?: string;
  /**
   * A control token the model writes at every step instead of text (to
   * test that generation stops on it). Default: none, the model writes
   * printable text only.
   */
  favour?: (typeof TINY_CONTROL_TOKENS)[number];
  /** Leave the control tokens out (a model that does not fit any chat format). */
  withoutControlTokens?: boolean;
  /**
   * `spm` (default): a SentencePiece byte vocabulary, as Llama and Gemma
   * files have. `bpe`: a GPT-2 style byte-level BPE vocabulary (no merges)
   * without a recorded pre-tokenizer, as in files converted before
   * llama.cpp wrote tokenizer.ggml.pre (DeepSeek-Coder, Phi-2 ...).
   */
  vocab?: 'spm' | 'bpe';
}

/** GGUF metadata value types. */
const T = {
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
} as const;

/** ggml tensor type of plain 32-bit floats. */
const GGML_TYPE_F32 = 0;
/** llama.cpp token types (tokenizer.ggml.token_type). */
const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

const ALIGNMENT = 32;

type MetaValue =
  | { type: typeof T.UINT32 | typeof T.INT32 | typeof T.FLOAT32; value: number }
  | { type: typeof T.BOOL; value: boolean }
  | { type: typeof T.STRING; value: string }
  | { type: typeof T.ARRAY; itemType: typeof T.INT32 | typeof T.FLOAT32; values: number[] }
  | { type: typeof T.ARRAY; itemType: typeof T.STRING; values: string[] };

/** Appends little-endian values to a list of buffers. */
class ByteWriter {
  private readonly parts: Buffer[] = [];
  length = 0;

  private push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }

  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }

  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }

  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }

  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }

  bytes(b: Buffer): void {
    this.push(b);
  }

  /** gguf_string_t: u64 byte length, then UTF-8 bytes without a terminator. */
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }

  padTo(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) {
      this.push(Buffer.alloc(alignment - rest));
    }
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

/** mulberry32: a small, well-known deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Tensor {
  name: string;
  /** ggml order: dims[0] is the innermost (contiguous) dimension. */
  dims: number[];
  data: Float32Array;
}

/**
 * Control tokens of the prompt formats CodeGenie renders (prompt-formats.ts),
 * so the tiny model can be run in each of them. Like <s> and </s> the model
 * never writes them, unless `favour` names one.
 */
export const TINY_CONTROL_TOKENS = [
  '<|im_start|>',
  '<|im_end|>',
  '<|endoftext|>',
  '<|EOT|>',
  '<start_of_turn>',
  '<end_of_turn>',
] as const;

/**
 * The byte-level vocabulary: <unk>, <s>, </s>, <0x00> .. <0xFF>, "▁", then
 * the control tokens. SentencePiece writes a space as U+2581 "▁"; as a
 * normal token it decodes back to a space (a byte token would decode to
 * the three bytes of "▁").
 */
export const TINY_VOCAB_SIZE = 3 + 256 + 1 + TINY_CONTROL_TOKENS.length;
const TINY_VOCAB_SIZE_WITHOUT_CONTROL = 3 + 256 + 1;
const BYTE_TOKEN_OFFSET = 3;
const SPACE_TOKEN = 3 + 256;
const CONTROL_TOKEN_OFFSET = SPACE_TOKEN + 1;

function isWritableByte(byte: number): boolean {
  return byte === 0x0a || (byte >= 0x20 && byte <= 0x7e);
}

/** Writes a tiny GGUF v3 model to `file` (a few hundred KB with the defaults). */
export function writeTinyGguf(file: string, opts: TinyGgufOptions = {}): void {
  const nEmbd = opts.nEmbd ?? 64;
  const nLayer = opts.nLayer ?? 2;
  const nHead = opts.nHead ?? 4;
  const nHeadKv = opts.nHeadKv ?? 2;
  const nFf = opts.nFf ?? 128;
  const contextLength = opts.contextLength ?? 1024;
  if (nEmbd % nHead !== 0 || nHead % nHeadKv !== 0) {
    throw new Error('nEmbd must be a multiple of nHead, and nHead a multiple of nHeadKv');
  }
  const headDim = nEmbd / nHead;
  const nEmbdKv = headDim * nHeadKv;
  const controls = opts.withoutControlTokens ? [] : TINY_CONTROL_TOKENS;
  const nVocab = opts.withoutControlTokens ? TINY_VOCAB_SIZE_WITHOUT_CONTROL : TINY_VOCAB_SIZE;
  const random = prng(opts.seed ?? 1);
  const uniform = (scale: number): number => (random() * 2 - 1) * scale;

  const matrix = (inner: number, outer: number, scale: number): Float32Array => {
    const m = new Float32Array(inner * outer);
    for (let i = 0; i < m.length; i++) {
      m[i] = uniform(scale);
    }
    return m;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

  // Token embeddings: the bias channel (dimension 0) is 1; the rest is random.
  const tokenEmbd = matrix(nEmbd, nVocab, 1);
  for (let t = 0; t < nVocab; t++) {
    tokenEmbd[t * nEmbd] = 1;
  }
  // Output projection: row t scores token t; the bias channel pushes every
  // token the model must not write far down.
  const output = matrix(nEmbd, nVocab, 1);
  const favoured =
    opts.favour === undefined ? -1 : CONTROL_TOKEN_OFFSET + TINY_CONTROL_TOKENS.indexOf(opts.favour);
  for (let t = 0; t < nVocab; t++) {
    const writable =
      t === SPACE_TOKEN ||
      (t >= BYTE_TOKEN_OFFSET && t < SPACE_TOKEN && isWritableByte(t - BYTE_TOKEN_OFFSET));
    output[t * nEmbd] = t === favoured ? 100 : favoured >= 0 || !writable ? -100 : 0;
  }

  const tensors: Tensor[] = [
    { name: 'token_embd.weight', dims: [nEmbd, nVocab], data: tokenEmbd },
    { name: 'output_norm.weight', dims: [nEmbd], data: ones(nEmbd) },
    { name: 'output.weight', dims: [nEmbd, nVocab], data: output },
  ];
  // Scales keep each block's contribution small next to the bias channel.
  const projScale = 1 / Math.sqrt(nEmbd);
  for (let l = 0; l < nLayer; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      { name: `${p}attn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `${p}attn_q.weight`, dims: [nEmbd, nEmbd], data: matrix(nEmbd, nEmbd, projScale * 4) },
      { name: `${p}attn_k.weight`, dims: [nEmbd, nEmbdKv], data: matrix(nEmbd, nEmbdKv, projScale * 4) },
      { name: `${p}attn_v.weight`, dims: [nEmbd, nEmbdKv], data: matrix(nEmbd, nEmbdKv, projScale) },
      { name: `${p}attn_output.weight`, dims: [nEmbd, nEmbd], data: matrix(nEmbd, nEmbd, projScale * 0.5) },
      { name: `${p}ffn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `${p}ffn_gate.weight`, dims: [nEmbd, nFf], data: matrix(nEmbd, nFf, projScale) },
      { name: `${p}ffn_up.weight`, dims: [nEmbd, nFf], data: matrix(nEmbd, nFf, projScale) },
      { name: `${p}ffn_down.weight`, dims: [nFf, nEmbd], data: matrix(nFf, nEmbd, projScale * 0.5) },
    );
  }
  // Keep the bias channel constant: no block writes into dimension 0.
  for (const tensor of tensors) {
    if (tensor.name.endsWith('attn_output.weight') || tensor.name.endsWith('ffn_down.weight')) {
      const inner = tensor.dims[0] ?? 0;
      for (let i = 0; i < inner; i++) {
        tensor.data[i] = 0;
      }
    }
  }

  const bpe = opts.vocab === 'bpe';
  const tokens = ['<unk>', '<s>', '</s>'];
  const tokenTypes = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  const byteChars = gpt2ByteChars();
  for (let b = 0; b < 256; b++) {
    tokens.push(bpe ? (byteChars[b] ?? '') : `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    tokenTypes.push(bpe ? TOKEN_NORMAL : TOKEN_BYTE);
  }
  // SentencePiece's space; in the BPE vocabulary two spaces (never merged into).
  tokens.push(bpe ? '\u0120\u0120' : '\u2581');
  tokenTypes.push(TOKEN_NORMAL);
  for (const control of controls) {
    tokens.push(control);
    tokenTypes.push(TOKEN_CONTROL);
  }
  // Merge priorities; with single-character tokens there is nothing to merge.
  const scores = tokens.map(() => 0);

  const merges: [string, MetaValue] = [
    'tokenizer.ggml.merges',
    { type: T.ARRAY, itemType: T.STRING, values: [] },
  ];
  const metadata: [string, MetaValue][] = [
    ['general.architecture', { type: T.STRING, value: 'llama' }],
    ['general.name', { type: T.STRING, value: opts.name ?? 'codegenie-tiny' }],
    ['general.alignment', { type: T.UINT32, value: ALIGNMENT }],
    ['general.file_type', { type: T.UINT32, value: 0 }],
    ['llama.context_length', { type: T.UINT32, value: contextLength }],
    ['llama.embedding_length', { type: T.UINT32, value: nEmbd }],
    ['llama.block_count', { type: T.UINT32, value: nLayer }],
    ['llama.feed_forward_length', { type: T.UINT32, value: nFf }],
    ['llama.attention.head_count', { type: T.UINT32, value: nHead }],
    ['llama.attention.head_count_kv', { type: T.UINT32, value: nHeadKv }],
    ['llama.rope.dimension_count', { type: T.UINT32, value: headDim }],
    ['llama.rope.freq_base', { type: T.FLOAT32, value: 10000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: T.FLOAT32, value: 1e-5 }],
    ['llama.vocab_size', { type: T.UINT32, value: nVocab }],
    ['tokenizer.ggml.model', { type: T.STRING, value: bpe ? 'gpt2' : 'llama' }],
    ['tokenizer.ggml.tokens', { type: T.ARRAY, itemType: T.STRING, values: tokens }],
    ...(bpe ? [merges] : []),
    ['tokenizer.ggml.scores', { type: T.ARRAY, itemType: T.FLOAT32, values: scores }],
    ['tokenizer.ggml.token_type', { type: T.ARRAY, itemType: T.INT32, values: tokenTypes }],
    ['tokenizer.ggml.unknown_token_id', { type: T.UINT32, value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: T.UINT32, value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: T.UINT32, value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: T.BOOL, value: true }],
    ['tokenizer.ggml.add_eos_token', { type: T.BOOL, value: false }],
    // As in Gemma's files: no "▁" is put before the text, so every character
    // of a prompt or an answer is exactly one token.
    ['tokenizer.ggml.add_space_prefix', { type: T.BOOL, value: false }],
  ];

  const w = new ByteWriter();
  w.bytes(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const [key, meta] of metadata) {
    w.str(key);
    w.u32(meta.type);
    writeValue(w, meta);
  }
  let offset = 0;
  for (const tensor of tensors) {
    w.str(tensor.name);
    w.u32(tensor.dims.length);
    for (const d of tensor.dims) {
      w.u64(d);
    }
    w.u32(GGML_TYPE_F32);
    w.u64(offset);
    offset += alignUp(tensor.data.byteLength);
  }
  w.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    w.bytes(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    w.padTo(ALIGNMENT);
  }
  fs.writeFileSync(file, w.toBuffer());
}

/**
 * GPT-2's byte-to-character table (bytes_to_unicode in its encoder.py):
 * printable Latin-1 bytes stand for themselves, the others are shifted to
 * U+0100 and up, so a space is "Ġ" and a newline "Ċ".
 */
function gpt2ByteChars(): string[] {
  const chars: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars.push(String.fromCodePoint(printable ? b : 256 + shifted++));
  }
  return chars;
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGNMENT) * ALIGNMENT;
}

function writeValue(w: ByteWriter, meta: MetaValue): void {
  switch (meta.type) {
    case T.UINT32:
      w.u32(meta.value);
      return;
    case T.INT32:
      w.i32(meta.value);
      return;
    case T.FLOAT32:
      w.f32(meta.value);
      return;
    case T.BOOL:
      w.bytes(Buffer.from([meta.value ? 1 : 0]));
      return;
    case T.STRING:
      w.str(meta.value);
      return;
    case T.ARRAY:
      w.u32(meta.itemType);
      w.u64(meta.values.length);
      if (meta.itemType === T.STRING) {
        for (const s of meta.values) {
          w.str(s);
        }
      } else {
        for (const n of meta.values) {
          if (meta.itemType === T.INT32) {
            w.i32(n);
          } else {
            w.f32(n);
          }
        }
      }
      return;
  }
}
