import type { PromptRecord } from '../store/store.port.js';
import type { GenerationEvent, GenerationResult } from '../../shared/generation.schemas.js';
import type { NumberedEvent, RunReader } from './run-registry.js';

/** The `start` event of a run. */
export function startEventOf(record: PromptRecord): GenerationEvent & { event: 'start' } {
  return {
    event: 'start',
    data: { id: record.id, modelId: record.modelId, threadId: record.threadId, parentId: record.parentId },
  };
}

/** The `done` payload (and the JSON answer) of a finished run. */
export function resultOfRecord(record: PromptRecord): GenerationResult {
  return {
    id: record.id,
    threadId: record.threadId,
    parentId: record.parentId,
    modelId: record.modelId,
    output: record.output,
    code: record.code,
    language: record.language,
    ...(record.sections ? { sections: record.sections } : {}),
    usage: { promptTokens: record.promptTokens ?? 0, completionTokens: record.completionTokens ?? 0 },
    timings: { firstTokenMs: record.firstTokenMs, totalMs: record.totalMs ?? 0 },
  };
}

const STOPPED = { code: 'cancelled', message: 'The generation was stopped.' };
/** The error of a run that failed with no typed error to name (logged where it happened). */
export const MODEL_FAILED = { code: 'internal', message: 'The model failed unexpectedly.' };

/**
 * A run that is no longer live, as events from its record: `start`, the
 * whole answer as one `token`, then `done` (completed), or `error` (stopped
 * or failed, with the stored error). The numbers start again at 1: a client
 * that resumes a finished run begins afresh at its `start`.
 */
export function replayEvents(record: PromptRecord): NumberedEvent[] {
  const events: GenerationEvent[] = [startEventOf(record)];
  if (record.output.length > 0) {
    events.push({ event: 'token', data: { text: record.output } });
  }
  switch (record.status) {
    case 'completed':
      events.push({ event: 'done', data: resultOfRecord(record) });
      break;
    case 'cancelled':
      events.push({ event: 'error', data: STOPPED });
      break;
    case 'failed':
      events.push({
        event: 'error',
        data: record.error ?? MODEL_FAILED,
      });
      break;
    case 'running':
      // Saved progress of a run another instance drives (GenerationService.attach follows those instead).
      break;
    default: {
      const unreachable: never = record.status;
      return unreachable;
    }
  }
  return events.map((event, i) => ({ id: i + 1, event }));
}

/** A reader over a finished run's replay. */
export function replayOf(record: PromptRecord): RunReader {
  const events = replayEvents(record);
  return {
    async *[Symbol.asyncIterator]() {
      yield* events;
    },
    close: () => undefined,
  };
}
