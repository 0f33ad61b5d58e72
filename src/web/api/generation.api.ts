import { isGenerationEventName } from '../../shared/generation-events';
import type {
  ExplainRequest,
  GenerateRequest,
  GenerationError,
  GenerationEvent,
} from '../../shared/generation.schemas';
import type { ModelListing } from '../../shared/models.schemas';
import { apiRequest, openEventStream } from './api-client';
import { readEventStream } from './event-stream';

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

/** A stream event with its `id:` (its number in the run; what Last-Event-ID continues after). */
export interface NumberedStreamEvent {
  id: number | null;
  event: StreamEvent;
}

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
 * Errors before the stream starts are thrown as `ApiError`. Aborting `signal`
 * closes the connection; the run goes on on the server (attach again with
 * `attachRun`) unless the body asked for `stopOnDisconnect`.
 */
export async function* streamRun(
  kind: 'generate' | 'explain',
  body: GenerateRequest | ExplainRequest,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  for await (const numbered of openRun(kind, body, signal)) {
    yield numbered.event;
  }
}

/** Like `streamRun`, with each event's number. */
export async function* openRun(
  kind: 'generate' | 'explain',
  body: GenerateRequest | ExplainRequest,
  signal: AbortSignal,
): AsyncGenerator<NumberedStreamEvent> {
  yield* readEvents(await openEventStream(`/${kind}`, body, signal));
}

/**
 * Attaches to run `id` (GET /api/generations/:id/events): the events after
 * `lastEventId` (all of them when null), then the rest live. A run that has
 * finished replays from its record: `start` again, the whole answer, `done`.
 */
export async function* attachRun(
  id: string,
  lastEventId: number | null,
  signal: AbortSignal,
): AsyncGenerator<NumberedStreamEvent> {
  const headers: Record<string, string> =
    lastEventId === null ? {} : { 'Last-Event-ID': String(lastEventId) };
  yield* readEvents(
    await openEventStream(`/generations/${encodeURIComponent(id)}/events`, undefined, signal, headers),
  );
}

async function* readEvents(stream: ReadableStream<BufferSource>): AsyncGenerator<NumberedStreamEvent> {
  for await (const value of readEventStream(stream)) {
    const event = toStreamEvent(value.event, value.data);
    if (event) {
      const id = value.id === undefined ? Number.NaN : Number(value.id);
      yield { id: Number.isInteger(id) ? id : null, event };
    }
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
