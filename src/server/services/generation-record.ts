import { randomUUID } from 'node:crypto';
import { PayloadTooLargeError } from '../errors.js';
import type { GenerationParams } from '../models/provider.port.js';
import { runningOutcome, type PromptRecord } from '../store/store.port.js';
import { MAX_INPUT_CHARS } from '../../shared/generation.schemas.js';
import { tooLongMessage } from '../../shared/messages.js';
import type { GenerationPlan } from './generation-plan.js';
import type { TurnPlacement } from './thread.service.js';

/** What a new run's record is made of. */
export interface NewRunRecord {
  userId: string;
  kind: PromptRecord['kind'];
  plan: GenerationPlan;
  params: GenerationParams & { level?: string; format?: string };
  input: string;
  generationId: string | null;
  place: TurnPlacement;
  createdAt: Date;
}

/** The record of a run just started (status `running`, no output yet), with a new id. */
export function newRunRecord({
  userId,
  kind,
  plan: { model, language },
  params,
  input,
  generationId,
  place,
  createdAt,
}: NewRunRecord): PromptRecord {
  const { jsonSchema, ...stored } = params;
  const id = randomUUID();
  return {
    id,
    userId,
    // A new thread's id is its first turn's id.
    threadId: place.thread?.id ?? id,
    parentId: place.parentId,
    kind,
    modelId: model.id,
    params: place.column === undefined ? stored : { ...stored, column: place.column },
    input,
    generationId,
    createdAt,
    ...runningOutcome(language),
  };
}

/** Refuses an input longer than MAX_INPUT_CHARS (413, naming the field). */
export function checkLength(field: 'prompt' | 'code', value: string): void {
  if (value.length > MAX_INPUT_CHARS) {
    const message = tooLongMessage(field);
    throw new PayloadTooLargeError(message, { fields: { [field]: message } });
  }
}
