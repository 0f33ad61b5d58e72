import { EventSourceParserStream } from 'eventsource-parser/stream';
import { isGenerationEventName } from '../../shared/generation-events';
import type {
  ExplainRequest,
  GenerateRequest,
  GenerationError,
  GenerationEvent,
} from '../../shared/generation.schemas';
import type { ModelListing } from '../../shared/models.schemas';
import { apiRequest, openEventStream } from './api-client';

// Every shape here is the shared schema's (type-only imports: zod stays out of the bundle).
export type { Language } from '../../shared/languages';
export type {
  ExplainFormat,
  ExplainLevel,
  ExplainRequest,
  GenerateRequest,
  GenerationResult,
  SamplingSettings,
  Section,
} from '../../shared/generation.schemas';
export type { ModelListing, ModelStatusName as ModelStatus } from '../../shared/models.schemas';

/** An `event: error` payload: the run ended early (stopped, provider failure, prompt too long ...). */
export type StreamError = GenerationError;

/** The events of one streamed run, in order: start, token*, then done or error. */
export type StreamEvent = GenerationEvent;

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

/**
 * One SSE message as a stream event; `undefined` for a name that is not ours
 * or data that is not JSON. Only the name is checked: the payload comes from
 * our own server, which writes it from the shared schema.
 */
function toStreamEvent(name: string | undefined, data: string): StreamEvent | undefined {
  if (!isGenerationEventName(name)) {
    return undefined;
  }
  try {
    return { event: name, data: JSON.parse(data) as unknown } as StreamEvent;
  } catch {
    return undefined;
  }
}
