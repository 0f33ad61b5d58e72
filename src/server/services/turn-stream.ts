import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { GenerationCancelledError } from '../models/model-errors.js';
import type { ModelProvider } from '../models/provider.port.js';
import type { PromptOutcome, PromptRecord, PromptRepository } from '../store/store.port.js';
import type { GenerationError, GenerationEvent } from '../../shared/generation.schemas.js';
import type { GenerationPlan } from './generation-plan.js';
import { MODEL_FAILED } from './run-replay.js';
// How a run ends when the server shuts down under it: as a sweep fails the runs of a stopped instance.
import { INSTANCE_GONE } from './run-ownership.js';

/** What streaming one turn works with. */
export interface TurnStreamDeps {
  prompts: Pick<PromptRepository, 'finish'>;
  clock: Clock;
  log: Logger;
  /** True while the server shuts down: a turn it stops has failed rather than been stopped by its user. */
  closing: () => boolean;
}

/**
 * A turn (and its run) ended early: `typed` is the error behind it
 * (GenerationCancelledError when stopped), `event` the `error` event's payload.
 */
export class TurnEnded extends Error {
  constructor(
    readonly typed: unknown,
    readonly event: GenerationError,
  ) {
    super(event.message);
    this.name = 'TurnEnded';
  }
}

/**
 * How an error ends a run: stopped (the user, or nobody attached: `cancelled`),
 * the server shutting down (INSTANCE_GONE), a typed error with its code, or
 * anything else as MODEL_FAILED (logged here).
 */
export function turnEnded(
  deps: TurnStreamDeps,
  error: unknown,
  aborted: boolean,
  promptId: string,
): TurnEnded {
  if (error instanceof TurnEnded) {
    return error;
  }
  const stopped = error instanceof GenerationCancelledError || aborted;
  const typed = stopped ? new GenerationCancelledError() : error;
  if (!(typed instanceof AppError)) {
    deps.log.error({ err: error, promptId }, 'generation failed');
  }
  const failure =
    stopped && deps.closing()
      ? INSTANCE_GONE
      : typed instanceof AppError
        ? { code: typed.code, message: typed.message }
        : MODEL_FAILED;
  const retryAfter = typed instanceof AppError ? typed.retryAfterSeconds : undefined;
  return new TurnEnded(
    typed,
    retryAfter === undefined ? failure : { ...failure, retryAfterSeconds: retryAfter },
  );
}

/**
 * Streams one turn's answer: yields a `token` event per piece, then saves
 * the outcome (completed) and returns the finished record. When it fails
 * or is stopped, the partial output is saved (cancelled, or failed with the
 * error) and TurnEnded is thrown.
 */
export async function* streamTurn(
  deps: TurnStreamDeps,
  record: PromptRecord,
  plan: GenerationPlan,
  provider: ModelProvider,
  signal: AbortSignal,
): AsyncGenerator<GenerationEvent, PromptRecord> {
  const started = performance.now();
  let output = '';
  let firstTokenMs: number | null = null;
  let tokenEvents = 0;
  let usage: { promptTokens: number; completionTokens: number } | null = null;
  const outcome = (status: PromptOutcome['status'], error: PromptOutcome['error']): PromptOutcome => ({
    status,
    output,
    ...plan.finish(output),
    error,
    promptTokens: usage?.promptTokens ?? 0,
    // A stopped run never gets the model's usage figures: count what was streamed.
    completionTokens: usage?.completionTokens ?? tokenEvents,
    firstTokenMs,
    totalMs: Math.round(performance.now() - started),
    finishedAt: deps.clock.now(),
  });
  try {
    for await (const chunk of provider.generate({
      model: plan.model,
      input: plan.built.input,
      params: plan.params,
      signal,
    })) {
      if (chunk.type === 'token') {
        if (chunk.text.length === 0) {
          continue;
        }
        firstTokenMs ??= Math.round(performance.now() - started);
        output += chunk.text;
        tokenEvents += 1;
        yield { event: 'token', data: { text: chunk.text } };
      } else {
        usage = { promptTokens: chunk.promptTokens, completionTokens: chunk.completionTokens };
      }
    }
    if (signal.aborted) {
      throw new GenerationCancelledError();
    }
    const done = outcome('completed', null);
    // Stored before the caller sends `done`: nothing the user saw can be lost.
    await deps.prompts.finish(record.id, done);
    return { ...record, ...done };
  } catch (error) {
    const ended = turnEnded(deps, error, signal.aborted, record.id);
    // Stopped by the user or for want of a reader; a shutdown is no one's choice: it fails the run.
    const stopped = ended.typed instanceof GenerationCancelledError && !deps.closing();
    await deps.prompts
      .finish(
        record.id,
        outcome(
          stopped ? 'cancelled' : 'failed',
          stopped ? null : { code: ended.event.code, message: ended.event.message },
        ),
      )
      .catch((e: unknown) => {
        deps.log.error({ err: e }, 'could not save the generation outcome');
      });
    throw ended;
  }
}
