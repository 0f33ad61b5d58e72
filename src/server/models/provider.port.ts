import type { ModelEntry } from './catalogue.js';
import type { RenderedPrompt } from './prompt-formats.js';
import type { ModelStatusName } from '../../shared/models.schemas.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * The prompt, built by prompts.ts: messages for a remote server that applies
 * the model's chat template itself, or text rendered in the model's format
 * (with its control tokens and stop sequences).
 */
export type ModelInput =
  { style: 'chat'; messages: ChatMessage[] } | { style: 'text'; prompt: RenderedPrompt };

export interface GenerationParams {
  temperature: number;
  maxTokens: number;
  topP: number;
  /** Generation also stops before any of these strings (the user's; the format's are in the input). */
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
  status: ModelStatusName;
  progress?: DownloadProgress;
  /** Why a model is unavailable, in plain words. */
  reason?: string;
}

/** A failure of a model with its technical detail (hosts, URLs, causes): administrators only. */
export interface ModelFailure {
  message: string;
  at: Date;
}

/**
 * What administrators see of a model (GET /api/admin/models), never users:
 * where it runs, with hosts and URLs, and its last failure in full.
 */
export interface ModelDetails {
  /** The server or download source, without user name or password; null when there is none. */
  url: string | null;
  /** The local file (local models). */
  file: string | null;
  /** The last failure (status check, download, load or generation) with its technical detail. */
  lastError: ModelFailure | null;
}

/**
 * One seam per model backend. Each provider turns its vendor's stream into
 * the shared Chunk stream and translates its failures into the typed errors
 * of models/model-errors.ts.
 */
export interface ModelProvider {
  readonly kind: ModelEntry['provider'];
  /**
   * Optional: begins background work for the catalogue's models of this
   * provider when the app starts (remote servers: the first status check).
   * Returns at once; never waits for the network, so start-up is not delayed.
   */
  start?(models: readonly ModelEntry[]): void;
  /**
   * Optional: a reloaded catalogue holds only these models of this provider;
   * background work kept for any other (status checks of a server no model
   * uses any more) stops.
   */
  retain?(models: readonly ModelEntry[]): void;
  /** A cheap snapshot; never does I/O. */
  status(model: ModelEntry): ModelStatus;
  /**
   * Optional: a request was refused because status() said `unavailable`;
   * look again in the background (rate-limited by the provider), so the
   * status recovers soon after the cause goes away. Returns at once.
   */
  refresh?(model: ModelEntry): void;
  /**
   * Optional fast pre-check before a generation is saved and streamed:
   * throws ModelBusyError when the queue is full right now, so the client
   * gets 503 with Retry-After instead of a stream that fails at once.
   */
  admit?(model: ModelEntry): void;
  /**
   * Streams the answer. Throws (from the iterator) ModelBusyError when the
   * queue is full, ProviderError subclasses for upstream failures, and an
   * AbortError-like GenerationCancelledError when `signal` aborts.
   */
  generate(request: GenerationRequest): AsyncIterable<Chunk>;
  /**
   * Optional (local models): fetches the model's file now unless a verified
   * one is there, reporting the bytes received; resolves with its path.
   * Throws the downloader's detailed error (host and cause: administrators see it).
   */
  download?(model: ModelEntry, onProgress?: (p: DownloadProgress) => void): Promise<string>;
  /** Optional: where the model runs and its last failure, for administrators (hosts and URLs included). */
  details?(model: ModelEntry): ModelDetails;
  /** Releases what the provider holds and stops its timers. */
  close(): Promise<void>;
}
