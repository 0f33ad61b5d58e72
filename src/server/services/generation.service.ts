import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import {
  AppError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
} from '../errors.js';
import { GenerationCancelledError, ModelUnavailableError } from '../models/model-errors.js';
import type { ModelRegistry } from '../models/model-registry.js';
import type { GenerationParams, ModelProvider } from '../models/provider.port.js';
import { runningOutcome, type PromptOutcome, type PromptRecord, type Store } from '../store/store.port.js';
import {
  MAX_INPUT_CHARS,
  type ExplainBody,
  type GenerateBody,
  type GenerationEvent,
  type GenerationResult,
} from '../../shared/generation.schemas.js';
import { tooLongMessage } from '../../shared/messages.js';
import type { ActivityLog } from './activity.service.js';
import { planExplain, planGenerate, type GenerationPlan } from './generation-plan.js';
import type { ClientInfo } from './auth.service.js';
import { GenerationLimiter, type GenerationLimits } from './generation-limiter.js';

export interface GenerationServiceDeps {
  store: Store;
  models: ModelRegistry;
  activity: ActivityLog;
  clock: Clock;
  limits: GenerationLimits;
  log: Logger;
}

/** A started generation: its id and its event stream (start, token*, done | error). */
export interface GenerationRun {
  id: string;
  modelId: string;
  events: AsyncIterable<GenerationEvent>;
  /** Stops it (the client went away); the partial output is kept as cancelled. */
  abort(): void;
  /** After an `error` event: the typed error behind it (GenerationCancelledError when stopped). */
  failure(): unknown;
}

interface RunSpec {
  userId: string;
  groupId?: string;
  kind: PromptRecord['kind'];
  plan: GenerationPlan;
  record: PromptRecord;
}

interface RunState {
  userId: string;
  controller: AbortController;
  failure: unknown;
}

/**
 * Runs generate and explain requests: checks limits, saves every run in
 * `prompts` from its start (and in the activity log), streams the model's
 * answer, and stores the outcome (completed, cancelled or failed, with the
 * partial output) before the final event is sent.
 */
export class GenerationService {
  private readonly running = new Map<string, RunState>();
  private readonly limiter: GenerationLimiter;

  constructor(private readonly deps: GenerationServiceDeps) {
    this.limiter = new GenerationLimiter(deps.limits, deps.clock);
  }

  async startGenerate(userId: string, body: GenerateBody, client: ClientInfo): Promise<GenerationRun> {
    checkLength('prompt', body.prompt);
    const plan = planGenerate(this.deps.models, body);
    const record = this.newRecord(userId, 'generate', plan, plan.params, body.prompt, null);
    return this.start({ userId, groupId: body.groupId, kind: 'generate', plan, record }, client);
  }

  async startExplain(userId: string, body: ExplainBody, client: ClientInfo): Promise<GenerationRun> {
    checkLength('code', body.code);
    const plan = planExplain(this.deps.models, body);
    if (body.generationId !== undefined) {
      const linked = await this.deps.store.prompts.findById(body.generationId);
      if (linked?.userId !== userId) {
        throw new InvalidInputError(undefined, {
          fields: { generationId: 'There is no such generation of yours.' },
        });
      }
    }
    const record = this.newRecord(
      userId,
      'explain',
      plan,
      { ...plan.params, level: body.level, format: body.format },
      body.code,
      body.generationId ?? null,
    );
    return this.start({ userId, kind: 'explain', plan, record }, client);
  }

  /**
   * Stops a running generation of `userId`. A finished one of theirs is a
   * conflict; anyone else's, or an unknown id, is not found.
   */
  async cancel(userId: string, id: string): Promise<void> {
    const run = this.running.get(id);
    if (run?.userId === userId) {
      run.controller.abort();
      return;
    }
    const record = await this.deps.store.prompts.findById(id);
    if (record?.userId === userId) {
      throw new ConflictError('This generation has already finished.');
    }
    throw new NotFoundError('There is no generation with that id.');
  }

  private newRecord(
    userId: string,
    kind: PromptRecord['kind'],
    { model, language }: GenerationPlan,
    params: GenerationParams & { level?: string; format?: string },
    input: string,
    generationId: string | null,
  ): PromptRecord {
    const { jsonSchema, ...stored } = params;
    const id = randomUUID();
    return {
      id,
      userId,
      // A new thread's id is its first turn's id.
      threadId: id,
      parentId: null,
      kind,
      modelId: model.id,
      params: stored,
      input,
      generationId,
      createdAt: this.deps.clock.now(),
      ...runningOutcome(language),
    };
  }

  /** Checks the user's limits, saves the record and returns the run. */
  private async start(spec: RunSpec, client: ClientInfo): Promise<GenerationRun> {
    this.limiter.check(spec.userId, spec.groupId);
    const provider = this.deps.models.providerFor(spec.plan.model);
    const status = provider.status(spec.plan.model);
    if (status.status === 'unavailable') {
      // The cause may be gone since the provider last looked (a server back up).
      provider.refresh?.(spec.plan.model);
      throw new ModelUnavailableError(status.reason ?? `${spec.plan.model.name} is unavailable right now.`);
    }
    // A full local queue answers 503 before anything is saved or streamed.
    provider.admit?.(spec.plan.model);
    this.limiter.begin(spec.record.id, spec.userId, spec.groupId);

    const controller = new AbortController();
    const state: RunState = { userId: spec.userId, controller, failure: undefined };
    this.running.set(spec.record.id, state);
    try {
      await this.deps.store.prompts.create(spec.record);
      await this.deps.activity.record(spec.userId, 'generation', client, {
        promptId: spec.record.id,
        kind: spec.kind,
        modelId: spec.plan.model.id,
      });
    } catch (error) {
      this.running.delete(spec.record.id);
      this.limiter.end(spec.record.id);
      throw error;
    }
    return {
      id: spec.record.id,
      modelId: spec.plan.model.id,
      events: this.stream(spec, provider, state),
      abort: () => {
        controller.abort();
      },
      failure: () => state.failure,
    };
  }

  private async *stream(
    spec: RunSpec,
    provider: ModelProvider,
    state: RunState,
  ): AsyncGenerator<GenerationEvent> {
    const started = performance.now();
    let output = '';
    let firstTokenMs: number | null = null;
    let usage = { promptTokens: 0, completionTokens: 0 };
    const outcome = (status: PromptOutcome['status'], error: PromptOutcome['error']): PromptOutcome => ({
      status,
      output,
      ...spec.plan.finish(output),
      error,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      firstTokenMs,
      totalMs: Math.round(performance.now() - started),
      finishedAt: this.deps.clock.now(),
    });
    try {
      yield { event: 'start', data: { id: spec.record.id, modelId: spec.plan.model.id } };
      for await (const chunk of provider.generate({
        model: spec.plan.model,
        input: spec.plan.built.input,
        params: spec.plan.params,
        signal: state.controller.signal,
      })) {
        if (chunk.type === 'token') {
          if (chunk.text.length === 0) {
            continue;
          }
          firstTokenMs ??= Math.round(performance.now() - started);
          output += chunk.text;
          yield { event: 'token', data: { text: chunk.text } };
        } else {
          usage = { promptTokens: chunk.promptTokens, completionTokens: chunk.completionTokens };
        }
      }
      if (state.controller.signal.aborted) {
        throw new GenerationCancelledError();
      }
      const done = outcome('completed', null);
      // Stored before `done` is sent: nothing the user saw can be lost.
      await this.deps.store.prompts.finish(spec.record.id, done);
      yield { event: 'done', data: resultOf(spec, done) };
    } catch (error) {
      const aborted = error instanceof GenerationCancelledError || state.controller.signal.aborted;
      const typed = aborted ? new GenerationCancelledError() : error;
      state.failure = typed;
      const failure =
        typed instanceof AppError
          ? { code: typed.code, message: typed.message }
          : { code: 'internal', message: 'The model failed unexpectedly.' };
      if (!(typed instanceof AppError)) {
        this.deps.log.error({ err: error, promptId: spec.record.id }, 'generation failed');
      }
      await this.deps.store.prompts
        .finish(spec.record.id, outcome(aborted ? 'cancelled' : 'failed', aborted ? null : failure))
        .catch((e: unknown) => {
          this.deps.log.error({ err: e }, 'could not save the generation outcome');
        });
      const retryAfter = typed instanceof AppError ? typed.retryAfterSeconds : undefined;
      yield {
        event: 'error',
        data: retryAfter === undefined ? failure : { ...failure, retryAfterSeconds: retryAfter },
      };
    } finally {
      this.running.delete(spec.record.id);
      this.limiter.end(spec.record.id);
      // A consumer that stops reading (client gone) ends up here too: stop the model.
      state.controller.abort();
    }
  }
}

function resultOf(spec: RunSpec, o: PromptOutcome): GenerationResult {
  return {
    id: spec.record.id,
    modelId: spec.plan.model.id,
    output: o.output,
    code: o.code,
    language: o.language,
    ...(o.sections ? { sections: o.sections } : {}),
    usage: { promptTokens: o.promptTokens ?? 0, completionTokens: o.completionTokens ?? 0 },
    timings: { firstTokenMs: o.firstTokenMs, totalMs: o.totalMs ?? 0 },
  };
}

function checkLength(field: 'prompt' | 'code', value: string): void {
  if (value.length > MAX_INPUT_CHARS) {
    const message = tooLongMessage(field);
    throw new PayloadTooLargeError(message, { fields: { [field]: message } });
  }
}
