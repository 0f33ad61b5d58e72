import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import { AppError, ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { GenerationCancelledError, ModelUnavailableError } from '../models/model-errors.js';
import type { ModelRegistry } from '../models/model-registry.js';
import type { ModelProvider } from '../models/provider.port.js';
import type { PromptOutcome, PromptRecord, Store } from '../store/store.port.js';
import type { ExplainBody, GenerateBody, GenerationEvent } from '../../shared/generation.schemas.js';
import type { ActivityLog } from './activity.service.js';
import { planExplain, planGenerate, type GenerationPlan } from './generation-plan.js';
import type { ClientInfo } from './auth.service.js';
import { GenerationLimiter, type GenerationLimits } from './generation-limiter.js';
import {
  placeGenerateTurn,
  placeTurn,
  priorTurns,
  ThreadSaver,
  type TurnPlacement,
} from './thread.service.js';
import { MODEL_FAILED, replayOf, resultOfRecord, startEventOf } from './run-replay.js';
import { RunRegistry, systemTimers, type RunReader, type RunTimers } from './run-registry.js';
import { checkLength, newRunRecord } from './generation-record.js';
import { pumpRun } from './run-pump.js';
import { followRun } from './run-follow.js';
// How a run ends when the server shuts down under it: as a sweep fails the runs of a stopped instance.
import { INSTANCE_GONE } from './run-ownership.js';

export interface GenerationServiceDeps {
  store: Store;
  models: ModelRegistry;
  activity: ActivityLog;
  clock: Clock;
  limits: GenerationLimits;
  log: Logger;
  /** Runs outliving their connection: stopped after this long with nobody attached (default 60 s). */
  runs?: { detachedGraceMs: number; timers?: RunTimers };
  /** This instance's id, recorded as the owner of every run it starts (default: a random one). */
  instanceId?: string;
  /** How often a run another instance drives is read again for a client attached here (default FOLLOW_POLL_MS). */
  followPollMs?: number;
}

/**
 * A started generation: its id and its event stream (start, token*, done |
 * error). The run belongs to the server: it goes on when its reader leaves,
 * until it ends, is stopped, or has had nobody attached for the grace period.
 */
export interface GenerationRun {
  id: string;
  modelId: string;
  /** Every event from the start; iterating attaches a reader (which detaches when the loop ends). */
  events: AsyncIterable<GenerationEvent>;
  /** Attaches a reader of the numbered events after `afterId` (0: all of them). */
  read(afterId?: number): RunReader;
  /** Stops it (the client asked for stop-on-disconnect and went away); the partial output is kept as cancelled. */
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
  group?: TurnPlacement['group']; // a Compare's thread
}

interface RunState {
  userId: string;
  controller: AbortController;
  failure: unknown;
  /** Settles when the run has ended and its record is saved. */
  ended?: Promise<void>;
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
  private readonly live: RunRegistry;
  private readonly timers: RunTimers;
  private readonly threads: ThreadSaver;
  private closing = false;
  /** This instance's id: the owner recorded on every run it starts. */
  readonly instanceId: string;

  constructor(private readonly deps: GenerationServiceDeps) {
    this.limiter = new GenerationLimiter(deps.limits, deps.clock, deps.store.counters);
    this.timers = deps.runs?.timers ?? systemTimers;
    this.threads = new ThreadSaver(deps.store);
    this.instanceId = deps.instanceId ?? randomUUID();
    this.live = new RunRegistry(deps.runs?.detachedGraceMs ?? 60_000, this.timers);
  }

  /**
   * The events of run `id` of `userId` after `afterId`: live (what was
   * written so far, then the rest as it comes) while it runs, else replayed
   * from its record (start, the whole answer as one token, done or error).
   * Anyone else's run, or an unknown id, is not found.
   */
  async attach(userId: string, id: string, afterId = 0): Promise<RunReader> {
    const live = this.live.find(userId, id);
    if (live) {
      return live.read(afterId);
    }
    const record = await this.deps.store.prompts.findById(id);
    if (record?.userId !== userId) {
      throw new NotFoundError('There is no generation with that id.');
    }
    if (record.status === 'running') {
      // Another instance drives it (or drove it, until a sweep fails it): follow its record to its end.
      const follow = {
        prompts: this.deps.store.prompts,
        timers: this.timers,
        pollMs: this.deps.followPollMs,
      };
      return followRun(record, follow);
    }
    // Between the end of a run and its retirement it is live above; after, the record is final.
    return replayOf(record);
  }

  /** Stops every live run and waits until their records are saved (server shutdown). */
  async close(): Promise<void> {
    this.closing = true;
    const ended: Promise<void>[] = [];
    for (const state of this.running.values()) {
      state.controller.abort();
      if (state.ended) {
        ended.push(state.ended);
      }
    }
    await Promise.all(ended);
    this.live.clear();
  }

  async startGenerate(userId: string, body: GenerateBody, client: ClientInfo): Promise<GenerationRun> {
    checkLength('prompt', body.prompt);
    const place = await placeGenerateTurn(this.deps.store, userId, body, this.deps.clock.now());
    const plan = planGenerate(this.deps.models, body, priorTurns(place.earlier));
    const record = newRunRecord({
      userId,
      kind: 'generate',
      plan,
      params: plan.params,
      input: body.prompt,
      generationId: null,
      place,
      createdAt: this.deps.clock.now(),
    });
    return this.start(
      { userId, groupId: body.groupId, kind: 'generate', plan, record, group: place.group },
      client,
    );
  }

  async startExplain(userId: string, body: ExplainBody, client: ClientInfo): Promise<GenerationRun> {
    checkLength('code', body.code);
    const place = await placeTurn(this.deps.store, userId, body);
    const plan = planExplain(this.deps.models, body, priorTurns(place.earlier));
    if (body.generationId !== undefined) {
      const linked = await this.deps.store.prompts.findById(body.generationId);
      if (linked?.userId !== userId) {
        throw new InvalidInputError(undefined, {
          fields: { generationId: 'There is no such generation of yours.' },
        });
      }
    }
    const record = newRunRecord({
      userId,
      kind: 'explain',
      plan,
      params: { ...plan.params, level: body.level, format: body.format },
      input: body.code,
      generationId: body.generationId ?? null,
      place,
      createdAt: this.deps.clock.now(),
    });
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
      // Another instance drives it: the request waits in the store, and its owner stops it within a second.
      const at = this.deps.clock.now();
      if (record.status === 'running' && (await this.deps.store.instances.requestCancel(id, at))) {
        return;
      }
      throw new ConflictError('This generation has already finished.');
    }
    throw new NotFoundError('There is no generation with that id.');
  }

  /**
   * Stops this instance's runs that someone asked to stop at another
   * instance; returns how many. One indexed query, none while nothing runs.
   */
  async abortRequested(): Promise<number> {
    if (this.running.size === 0) {
      return 0;
    }
    let stopped = 0;
    for (const id of await this.deps.store.instances.cancelRequested(this.instanceId)) {
      const run = this.running.get(id);
      if (run && !run.controller.signal.aborted) {
        run.controller.abort();
        stopped += 1;
      }
    }
    return stopped;
  }

  /** Checks the user's limits, saves the record and returns the run. */
  private async start(spec: RunSpec, client: ClientInfo): Promise<GenerationRun> {
    await this.limiter.check(spec.userId, spec.groupId);
    const provider = this.deps.models.providerFor(spec.plan.model);
    const status = provider.status(spec.plan.model);
    if (status.status === 'unavailable') {
      // The cause may be gone since the provider last looked (a server back up).
      provider.refresh?.(spec.plan.model);
      throw new ModelUnavailableError(status.reason ?? `${spec.plan.model.name} is unavailable right now.`);
    }
    // A full local queue answers 503 before anything is saved or streamed.
    provider.admit?.(spec.plan.model);
    await this.limiter.begin(spec.record.id, spec.userId, spec.groupId);

    const controller = new AbortController();
    const state: RunState = { userId: spec.userId, controller, failure: undefined };
    this.running.set(spec.record.id, state);
    try {
      await this.threads.save(spec.record, spec.group);
      await this.deps.store.prompts.create(spec.record);
      await this.deps.store.instances.claimRun(spec.record.id, this.instanceId);
      await this.deps.activity.record(spec.userId, 'generation', client, {
        promptId: spec.record.id,
        kind: spec.kind,
        modelId: spec.plan.model.id,
      });
    } catch (error) {
      this.running.delete(spec.record.id);
      void this.limiter.end(spec.record.id);
      throw error;
    }
    const live = this.live.add(spec.record.id, spec.userId, () => {
      this.deps.log.info({ generationId: spec.record.id }, 'nobody attached: stopping generation');
      controller.abort();
    });
    const pump = {
      prompts: this.deps.store.prompts,
      log: this.deps.log,
      timers: this.timers,
      registry: this.live,
    };
    state.ended = pumpRun(pump, spec.record.id, this.stream(spec, provider, state), live);
    return {
      id: spec.record.id,
      modelId: spec.plan.model.id,
      events: {
        async *[Symbol.asyncIterator]() {
          for await (const numbered of live.read(0)) {
            yield numbered.event;
          }
        },
      },
      read: (afterId = 0) => live.read(afterId),
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
    let tokenEvents = 0;
    let usage: { promptTokens: number; completionTokens: number } | null = null;
    const outcome = (status: PromptOutcome['status'], error: PromptOutcome['error']): PromptOutcome => ({
      status,
      output,
      ...spec.plan.finish(output),
      error,
      promptTokens: usage?.promptTokens ?? 0,
      // A stopped run never gets the model's usage figures: count what was streamed.
      completionTokens: usage?.completionTokens ?? tokenEvents,
      firstTokenMs,
      totalMs: Math.round(performance.now() - started),
      finishedAt: this.deps.clock.now(),
    });
    try {
      yield {
        event: 'start',
        data: { ...startEventOf(spec.record).data, omittedTurns: spec.plan.omittedTurns },
      };
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
          tokenEvents += 1;
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
      yield { event: 'done', data: resultOfRecord({ ...spec.record, ...done }) };
    } catch (error) {
      const aborted = error instanceof GenerationCancelledError || state.controller.signal.aborted;
      const typed = aborted ? new GenerationCancelledError() : error;
      state.failure = typed;
      // Stopped by the user or for want of a reader; a shutdown is no one's choice: it fails the run.
      const stopped = aborted && !this.closing;
      const failure =
        aborted && this.closing
          ? INSTANCE_GONE
          : typed instanceof AppError
            ? { code: typed.code, message: typed.message }
            : MODEL_FAILED;
      if (!(typed instanceof AppError)) {
        this.deps.log.error({ err: error, promptId: spec.record.id }, 'generation failed');
      }
      await this.deps.store.prompts
        .finish(spec.record.id, outcome(stopped ? 'cancelled' : 'failed', stopped ? null : failure))
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
      void this.limiter.end(spec.record.id);
      // A consumer that stops reading (client gone) ends up here too: stop the model.
      state.controller.abort();
    }
  }
}
