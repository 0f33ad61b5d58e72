import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { GenerationResult, Section } from '../../shared/generation.schemas';
import type { ModelListing } from '../../shared/models.schemas';
import { apiRequest, openEventStream } from './api-client';

/** A language the API accepts (`any` lets the model choose). */
export type Language =
  | 'any'
  | 'python'
  | 'javascript'
  | 'typescript'
  | 'java'
  | 'c'
  | 'cpp'
  | 'csharp'
  | 'go'
  | 'rust'
  | 'sql'
  | 'bash';

/** Explanation depth. */
export type ExplainLevel = 'beginner' | 'intermediate' | 'expert';

/** Explanation shape: Markdown prose, or structured sections per range of lines. */
export type ExplainFormat = 'overview' | 'line-by-line';

/** Sampling settings; each falls back to the model's default when left out. */
export interface SamplingSettings {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
}

export type { ModelListing, ModelStatusName as ModelStatus } from '../../shared/models.schemas';

/** What `POST /api/generate` takes. */
export interface GenerateRequest extends SamplingSettings {
  prompt: string;
  modelId?: string;
  language?: Language;
  /** Runs of one Compare share it: they count once against the per-user running limit. */
  groupId?: string;
}

/** What `POST /api/explain` takes. */
export interface ExplainRequest extends SamplingSettings {
  code: string;
  modelId?: string;
  language?: Language;
  level?: ExplainLevel;
  format?: ExplainFormat;
  /** The generation whose code this explains. */
  generationId?: string;
}

export type { GenerationResult, Section };

/** An `event: error` payload: the run ended early (stopped, provider failure, prompt too long ...). */
export interface StreamError {
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

/** The events of one streamed run, in order: start, token*, then done or error. */
export type StreamEvent =
  | { type: 'start'; id: string; modelId: string }
  | { type: 'token'; text: string }
  | { type: 'done'; result: GenerationResult }
  | { type: 'error'; error: StreamError };

/** The model catalogue with each model's live status. */
export function fetchModels(signal?: AbortSignal): Promise<ModelListing[]> {
  return apiRequest<ModelListing[]>('GET', '/models', {
    sessionRequired: true,
    ...(signal ? { signal } : {}),
  });
}

/** Asks the server to stop a running generation; its partial output is kept as cancelled. */
export async function cancelGeneration(id: string): Promise<void> {
  await apiRequest<unknown>('POST', `/generations/${encodeURIComponent(id)}/cancel`, {
    sessionRequired: true,
  });
}

/**
 * Starts a generate or explain run and yields its events as they arrive.
 * Errors before the stream starts are thrown as `ApiError`; aborting `signal`
 * closes the connection, which stops the model on the server at once.
 */
export async function* streamRun(
  kind: 'generate' | 'explain',
  body: GenerateRequest | ExplainRequest,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const stream = await openEventStream(`/${kind}`, body, signal);
  const reader = stream
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      const event = toStreamEvent(value.event, value.data);
      if (event) {
        yield event;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function toStreamEvent(name: string | undefined, data: string): StreamEvent | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isRecord(payload)) {
    return undefined;
  }
  switch (name ?? 'message') {
    case 'start':
      return typeof payload['id'] === 'string' && typeof payload['modelId'] === 'string'
        ? { type: 'start', id: payload['id'], modelId: payload['modelId'] }
        : undefined;
    case 'token':
      return typeof payload['text'] === 'string' ? { type: 'token', text: payload['text'] } : undefined;
    case 'done':
      return typeof payload['output'] === 'string' && typeof payload['id'] === 'string'
        ? { type: 'done', result: payload as unknown as GenerationResult }
        : undefined;
    case 'error': {
      const retry = payload['retryAfterSeconds'];
      return {
        type: 'error',
        error: {
          code: typeof payload['code'] === 'string' ? payload['code'] : 'internal',
          message:
            typeof payload['message'] === 'string' ? payload['message'] : 'The model failed unexpectedly.',
          ...(typeof retry === 'number' ? { retryAfterSeconds: retry } : {}),
        },
      };
    }
    default:
      return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
