import type { ModelEntry } from './catalogue.js';

/** How a model wants its input: a chat conversation or a raw completion prompt. */
export type PromptStyle = 'chat' | 'completion';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The prompt, already built for the model's style by prompts.ts. */
export type ModelInput = { style: 'chat'; messages: ChatMessage[] } | { style: 'completion'; prompt: string };

export interface GenerationParams {
  temperature: number;
  maxTokens: number;
  topP: number;
  /** Generation stops before any of these strings. */
  stop: string[];
  /**
   * When set, the output must be JSON following this schema: the local
   * engine constrains decoding with a grammar; remote servers get
   * `response_format` when they accept it.
   */
  jsonSchema?: Record<string, unknown>;
}

export interface GenerationRequest {
  model: ModelEntry;
  input: ModelInput;
  params: GenerationParams;
  /** Aborting stops decoding (local) or the upstream request (remote) at once. */
  signal: AbortSignal;
}

/** One piece of a streamed answer. Every stream ends with exactly one `usage` chunk unless it throws. */
export type Chunk =
  { type: 'token'; text: string } | { type: 'usage'; promptTokens: number; completionTokens: number };

export interface DownloadProgress {
  receivedBytes: number;
  /** Null while the size is unknown. */
  totalBytes: number | null;
}

/** A model's availability as GET /api/models shows it. */
export interface ModelStatus {
  status: 'ready' | 'not-downloaded' | 'downloading' | 'unavailable';
  progress?: DownloadProgress;
  /** Why a model is unavailable, in plain words. */
  reason?: string;
}

/**
 * One seam per model backend. Each provider turns its vendor's stream into
 * the shared Chunk stream and translates its failures into the typed errors
 * of models/model-errors.ts.
 */
export interface ModelProvider {
  readonly kind: ModelEntry['provider'];
  /** A cheap snapshot; never does I/O. */
  status(model: ModelEntry): ModelStatus;
  /**
   * Optional fast pre-check before a generation is saved and streamed:
   * throws ModelBusyError when the queue is full right now, so the client
   * gets 503 with Retry-After instead of a stream that fails at once.
   */
  admit?(model: ModelEntry): void;
  /**
   * Streams the answer. Throws (from the iterator) ModelBusyError when the
   * queue is full, ProviderError subclasses for upstream failures, and an
   * AbortError-like GenerationAbortedError when `signal` aborts.
   */
  generate(request: GenerationRequest): AsyncIterable<Chunk>;
  close(): Promise<void>;
}
