import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { ModelUnavailableError } from '../models/model-errors.js';
import type { ModelRegistry } from '../models/model-registry.js';
import type { ModelProvider } from '../models/provider.port.js';
import type { PromptRecord, Store } from '../store/store.port.js';
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
import { replayOf, resultOfRecord, startEventOf } from './run-replay.js';
import { RunRegistry, systemTimers, type RunReader, type RunTimers } from './run-registry.js';
import { checkLength, newRunRecord } from './generation-record.js';
import { pumpRun } from './run-pump.js';
import { followRun } from './run-follow.js';
import { followRepair } from './repair-follow.js';
import { currentRound, repairRoundsOf, replayRepair } from './repair-replay.js';
import { streamTurn, turnEnded, type TurnStreamDeps } from './turn-stream.js';
import {
  checkRepairModel,
  repairEvents,
  type RepairHost,
  type RepairSpec,
  type RepairTests,
} from './repair.service.js';
import { firstTurnRequest } from '../../shared/repair/repair-format.js';
import { runnableLanguage } from '../../shared/run.js';
import { MESSAGES } from '../../shared/messages.js';

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
  /** Test and fix's sandbox; without it a request with `repair` is refused. */
  tests?: RepairTests;
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
  repair?: RepairSpec; // Test and fix (repair.service.ts)
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
  private readonly turns: TurnStreamDeps;
  /** This instance's id: the owner recorded on every run it starts. */
  readonly instanceId: string;

  constructor(private readonly deps: GenerationServiceDeps) {
    this.limiter = new GenerationLimiter(deps.limits, deps.clock, deps.store.counters);
    this.timers = deps.runs?.timers ?? systemTimers;
    this.threads = new ThreadSaver(deps.store);
    this.instanceId = deps.instanceId ?? randomUUID();
    this.live = new RunRegistry(deps.runs?.detachedGraceMs ?? 60_000, this.timers);
    this.turns = {
      prompts: deps.store.prompts,
      clock: deps.clock,
      log: deps.log,
      closing: () => this.closing,
    };
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
        repairs: this.deps.store.repairs,
        timers: this.timers,
        pollMs: this.deps.followPollMs,
      };
      return repairRoundsOf(record) === undefined ? followRun(record, follow) : followRepair(record, follow);
    }
    // Between the end of a run and its retirement it is live above; after, the record is final.
    const repairRounds = repairRoundsOf(record);
    return repairRounds === undefined
      ? replayOf(record)
      : replayRepair(this.deps.store, record, repairRounds);
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
    const language = body.repair && runnableLanguage(body.language);
    if (language === null) {
      throw new InvalidInputError(MESSAGES.repairLanguage, { fields: { language: MESSAGES.repairLanguage } });
    }
    if (language !== undefined && !this.deps.tests) {
      throw new InvalidInputError(MESSAGES.repairUnavailable);
    }
    if (language !== undefined) {
      checkRepairModel(this.deps.models, body.modelId);
    }
    // Test and fix: the model is asked for code and tests in the loop's format.
    const asked = language ? { ...body, prompt: firstTurnRequest(body.prompt, language) } : body;
    const earlier = priorTurns(place.earlier);
    const plan = planGenerate(this.deps.models, asked, earlier);
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
    if (body.repair) {
      // Marks the run's first turn: its replay (repair-replay.ts) finds the rounds after it.
      record.params = { ...record.params, repairRounds: body.repair.rounds };
    }
    const repair =
      body.repair && language
        ? { body, rounds: body.repair.rounds, language, record, plan, earlier }
        : undefined;
    return this.start(
      { userId, groupId: body.groupId, kind: 'generate', plan, record, group: place.group, repair },
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
      // A Test and fix run past its first round: the round being answered is the one to stop.
      const target =
        repairRoundsOf(record) === undefined ? record : await currentRound(this.deps.store, record);
      if (target.status === 'running' && (await this.deps.store.instances.requestCancel(target.id, at))) {
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
      this.releaseRun(spec.record.id);
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
    state.ended = pumpRun(pump, spec.record.id, this.stream(spec, provider, state, client), live);
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

  /** A run (or a round) of this instance is over, or never started: its entry and its running slot go. */
  private releaseRun(id: string): void {
    this.running.delete(id);
    void this.limiter.end(id);
  }

  /** What a Test and fix run of `spec` uses of this service: each later round is admitted as a generation. */
  private repairHost(spec: RunSpec, state: RunState, client: ClientInfo, tests: RepairTests): RepairHost {
    const { store, models, log } = this.deps;
    return {
      store,
      models,
      log,
      tests,
      turns: this.turns,
      admit: async (record, previousId) => {
        await this.limiter.end(previousId);
        await this.limiter.check(spec.userId, spec.groupId);
        this.deps.models.providerFor(spec.plan.model).admit?.(spec.plan.model);
        await this.limiter.begin(record.id, spec.userId, spec.groupId);
        this.running.set(record.id, state);
        try {
          await this.threads.save(record);
          await store.prompts.create(record);
          await store.instances.claimRun(record.id, this.instanceId);
          const details = { promptId: record.id, kind: spec.kind, modelId: spec.plan.model.id };
          await this.deps.activity.record(spec.userId, 'generation', client, details);
        } catch (error) {
          // The round never starts, so the loop will not release it: give its slot back here.
          this.releaseRun(record.id);
          throw error;
        }
      },
      release: (id) => {
        this.releaseRun(id);
      },
    };
  }

  private async *stream(
    spec: RunSpec,
    provider: ModelProvider,
    state: RunState,
    client: ClientInfo,
  ): AsyncGenerator<GenerationEvent> {
    const signal = state.controller.signal;
    try {
      yield {
        event: 'start',
        data: { ...startEventOf(spec.record).data, omittedTurns: spec.plan.omittedTurns },
      };
      if (spec.repair && this.deps.tests) {
        const host = this.repairHost(spec, state, client, this.deps.tests);
        yield* repairEvents(host, spec.repair, provider, signal);
      } else {
        const done = yield* streamTurn(this.turns, spec.record, spec.plan, provider, signal);
        yield { event: 'done', data: resultOfRecord(done) };
      }
    } catch (error) {
      const ended = turnEnded(this.turns, error, signal.aborted, spec.record.id);
      state.failure = ended.typed;
      yield { event: 'error', data: ended.event };
    } finally {
      this.releaseRun(spec.record.id);
      // A consumer that stops reading (client gone) ends up here too: stop the model.
      state.controller.abort();
    }
  }
}
