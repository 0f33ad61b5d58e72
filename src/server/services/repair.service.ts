import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { AppError, InvalidInputError } from '../errors.js';
import { GenerationCancelledError } from '../models/model-errors.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { takesFollowUps } from '../models/prompt-formats.js';
import type { ModelProvider } from '../models/provider.port.js';
import { runningOutcome, type PromptOutcome, type PromptRecord, type Store } from '../store/store.port.js';
import type { GenerateBody, GenerationEvent, RepairedEvent } from '../../shared/generation.schemas.js';
import {
  runRepairLoop,
  type RepairHistoryTurn,
  type RepairLoopOptions,
  type RepairStep,
} from '../../shared/repair/repair-loop.js';
import { MESSAGES } from '../../shared/messages.js';
import type { RepairLanguage, RepairTurnKind } from '../../shared/repair/repair.schemas.js';
import { planGenerate, type GenerationPlan, type PriorTurn } from './generation-plan.js';
import { resultOfRecord } from './run-replay.js';
import { streamTurn, type TurnStreamDeps } from './turn-stream.js';

/**
 * Test and fix on the server (issue 17, POST /api/generate with `repair`):
 * drives the shared loop (src/shared/repair/repair-loop.ts) inside one run.
 * Each round is a generation of its own: a turn of the thread (the first
 * one is the run's own record; each fix or format request is a new turn
 * after the previous answer), counted by the limits (the previous round's
 * running slot is handed back first), its tokens streamed as `token`
 * events after a `round` event. Each run of the tests is kept on its answer
 * turn and sent as a `run` event; the loop's end is a `repaired` event,
 * then `done` with the last answer (or `error` when stopped or failed).
 */

/**
 * Refuses Test and fix for a code-completion model before anything runs:
 * each fix round is a follow-up, which such a model cannot take
 * (planGenerate would refuse the first fix round).
 */
export function checkRepairModel(models: ModelRegistry, modelId: string | undefined): void {
  const model = models.get(modelId);
  if (!takesFollowUps(model.format)) {
    const reason = `${model.name} ${MESSAGES.repairCannotFollowUp}`;
    throw new InvalidInputError(reason, { fields: { repair: reason } });
  }
}

/** Runs code + tests in the sandbox (src/server/sandbox/test-runner.ts in the app). */
export interface RepairTests {
  run: RepairLoopOptions['run'];
}

/** What the generation service lends a Test and fix run. */
export interface RepairHost {
  store: Store;
  models: ModelRegistry;
  log: Logger;
  tests: RepairTests;
  turns: TurnStreamDeps;
  /**
   * Starts a later round's turn as a generation: hands back the slot of
   * `previousId`, checks and counts the limits (throwing their error), saves
   * the record and makes Stop of its id stop the whole run.
   */
  admit(record: PromptRecord, previousId: string): Promise<void>;
  /** The round's generation ended (its slot is handed back). */
  release(id: string): void;
}

/** The request of a Test and fix run and where its first turn is. */
export interface RepairSpec {
  body: GenerateBody;
  rounds: number;
  language: RepairLanguage;
  /** The run's own record: the first round's turn. */
  record: PromptRecord;
  /** Its plan (the request with the format instruction, after the thread's earlier turns). */
  plan: GenerationPlan;
  /** The thread's turns before the run: the model's context before the loop's own turns. */
  earlier: PriorTurn[];
}

/** A limit refused a later round: the loop ends there (`repaired` status limited). */
class RoundRefused extends Error {
  constructor(readonly refusal: AppError) {
    super(refusal.message);
  }
}

/** Events pushed by the loop and read by the run's stream, in order. */
class EventQueue {
  private readonly items: GenerationEvent[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(event: GenerationEvent): void {
    this.items.push(event);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *drain(): AsyncGenerator<GenerationEvent> {
    for (;;) {
      const next = this.items.shift();
      if (next !== undefined) {
        yield next;
      } else if (this.ended) {
        return;
      } else {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
      }
    }
  }
}

/** The record of a later round: a turn after `parent`, sent `turn` (a fix or format request). */
function roundRecord(
  first: PromptRecord,
  parent: PromptRecord,
  turn: string,
  kind: 'fix' | 'format',
  createdAt: Date,
): PromptRecord {
  // repairRounds marks the run's first turn only (repair-replay.ts).
  const { repairRounds: _first, ...params } = first.params;
  return {
    ...first,
    id: randomUUID(),
    parentId: parent.id,
    input: turn,
    // Which later turn this is (repairRoundKind): History counts fixes, not format reminders.
    params: { ...params, repairRound: kind },
    createdAt,
    ...runningOutcome(first.language),
  };
}

/**
 * The events of a Test and fix run after its `start`: per round `round`,
 * `token`*, `run`; then `repaired` and `done`. Stopped: `repaired` (stopped)
 * then TurnEnded/GenerationCancelledError is thrown (the caller's `error`);
 * a failing model throws its TurnEnded.
 */
export async function* repairEvents(
  host: RepairHost,
  spec: RepairSpec,
  provider: ModelProvider,
  signal: AbortSignal,
): AsyncGenerator<GenerationEvent> {
  const queue = new EventQueue();
  const driven = driveLoop(host, spec, provider, signal, queue).finally(() => {
    queue.end();
  });
  // Read to the end even if the loop fails: its events so far are sent first.
  driven.catch(() => undefined);
  yield* queue.drain();
  const last = await driven;
  if (last === null) {
    throw new GenerationCancelledError();
  }
  yield { event: 'done', data: resultOfRecord(last) };
}

/** Runs the loop, pushing its events; the last finished answer, or null when stopped. */
async function driveLoop(
  host: RepairHost,
  spec: RepairSpec,
  provider: ModelProvider,
  signal: AbortSignal,
  queue: EventQueue,
): Promise<PromptRecord | null> {
  // An object: TypeScript would take `last`, set in the callbacks, for always null here.
  const loop: { last: PromptRecord | null; index: number; fixes: number } = {
    last: null,
    index: 0,
    fixes: 0,
  };
  // The turn being answered: a stopped loop returns at once, and waits here for its record to be saved.
  let inflight: Promise<unknown> = Promise.resolve();

  // The run's first turn stays running until the loop ends, so another instance on the store can
  // stop the loop in any phase and tell when it is over: its answer is saved as progress, its outcome last.
  let firstOutcome: PromptOutcome | undefined;
  const firstTurn: TurnStreamDeps = {
    ...host.turns,
    prompts: {
      finish: async (id, outcome) => {
        if (outcome.status !== 'completed') {
          return host.turns.prompts.finish(id, outcome);
        }
        firstOutcome = outcome;
        return host.store.prompts.saveProgress(id, outcome.output, outcome.completionTokens);
      },
    },
  };

  const answer = async (record: PromptRecord, plan: GenerationPlan): Promise<PromptRecord> => {
    const deps = record.id === spec.record.id ? firstTurn : host.turns;
    const turn = streamTurn(deps, record, plan, provider, signal);
    for (;;) {
      const next = await turn.next();
      if (next.done === true) {
        return next.value;
      }
      queue.push(next.value);
    }
  };

  const ask = async (
    turn: string,
    history: RepairHistoryTurn[],
    _signal: AbortSignal,
    kind: RepairTurnKind,
  ): Promise<string> => {
    const round = loop.index;
    loop.index += 1;
    let record = spec.record;
    let plan = spec.plan;
    if (round > 0 && loop.last !== null) {
      record = roundRecord(
        spec.record,
        loop.last,
        turn,
        kind === 'format' ? 'format' : 'fix',
        host.turns.clock.now(),
      );
      const loopTurns = history.map((h) => ({
        kind: 'generate' as const,
        input: h.request,
        output: h.answer,
        language: spec.language,
      }));
      plan = planGenerate(host.models, { ...spec.body, prompt: turn }, [...spec.earlier, ...loopTurns]);
      try {
        await host.admit(record, loop.last.id);
      } catch (error) {
        throw error instanceof AppError ? new RoundRefused(error) : error;
      }
    }
    queue.push({ event: 'round', data: { round, id: record.id, parentId: record.parentId } });
    const answered = answer(record, plan);
    inflight = answered;
    try {
      loop.last = await answered;
      return loop.last.output;
    } finally {
      if (round > 0) {
        host.release(record.id);
      }
    }
  };

  const run: RepairLoopOptions['run'] = async (input, runSignal) => {
    const result = await host.tests.run(input, runSignal);
    if (loop.last !== null && !runSignal.aborted) {
      await host.store.repairs.saveRun(loop.last.id, result);
    }
    return result;
  };

  const onStep = (step: RepairStep): void => {
    if (step.type === 'run') {
      queue.push({ event: 'run', data: { round: step.index, ...step.result } });
    } else if (step.type === 'round') {
      loop.fixes += step.round.kind === 'fix' ? 1 : 0;
    } else {
      queue.push({ event: 'repaired', data: step.outcome });
    }
  };

  try {
    return await runLoop();
  } finally {
    await inflight.catch(() => undefined);
    if (firstOutcome !== undefined) {
      // The loop's end, as the store tells it (repair-follow.ts): every round and run is saved by now.
      await host.turns.prompts.finish(spec.record.id, firstOutcome).catch((error: unknown) => {
        host.log.error({ err: error, promptId: spec.record.id }, 'could not save the generation outcome');
      });
    }
  }

  async function runLoop(): Promise<PromptRecord | null> {
    try {
      const { outcome } = await runRepairLoop({
        ask,
        run,
        language: spec.language,
        request: spec.body.prompt,
        rounds: spec.rounds,
        signal,
        onStep,
      });
      await inflight.catch(() => undefined);
      return outcome.status === 'stopped' ? null : loop.last;
    } catch (error) {
      if (!(error instanceof RoundRefused) || loop.last === null) {
        throw error;
      }
      host.log.info(
        { generationId: spec.record.id, code: error.refusal.code },
        'Test and fix: a limit ended the loop',
      );
      const limited: RepairedEvent = { status: 'limited', fixes: loop.fixes, message: error.refusal.message };
      queue.push({ event: 'repaired', data: limited });
      return loop.last;
    }
  }
}
