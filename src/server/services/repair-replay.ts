import type { PromptRecord, Store } from '../store/store.port.js';
import type { GenerationEvent, RepairedEvent } from '../../shared/generation.schemas.js';
import { parseRepairAnswer } from '../../shared/repair/repair-format.js';
import { repairRoundKind, type RepairRunResult } from '../../shared/repair/repair.schemas.js';
import { runnableLanguage } from '../../shared/run.js';
import { replayEvents, startEventOf } from './run-replay.js';
import type { NumberedEvent, RunReader } from './run-registry.js';

/**
 * The replay of a finished Test and fix run from its records, as a client
 * attaching after the live run was retired gets it: `start`, then per round
 * `round`, its whole answer as one `token` and its `run`, then `repaired`
 * and the last round's end (`done`, or `error` when it was stopped or
 * failed). The rounds are the run's first turn (params.repairRounds) and
 * the repair turns (params.repairRound) that follow it one after the other;
 * the outcome is read back from them: the last run, the rounds allowed, an
 * answer that could not be read.
 */

/** A refused round leaves no record of its own: what its replay says. */
export const LIMITED_REPLAY = 'A generation limit ended the loop before the next round.';

/** Whether `record` started a Test and fix run (the number of fix rounds it allowed), else undefined. */
export function repairRoundsOf(record: PromptRecord): number | undefined {
  const rounds = record.params['repairRounds'];
  return typeof rounds === 'number' ? rounds : undefined;
}

/** The run's rounds, oldest first: `first`, then each repair turn whose parent is the round before. */
export function roundsOf(first: PromptRecord, turns: readonly PromptRecord[]): PromptRecord[] {
  const rounds = [first];
  for (;;) {
    const last = rounds[rounds.length - 1] as PromptRecord;
    const next = turns.find((t) => t.parentId === last.id && repairRoundKind(t.params) !== null);
    if (next === undefined || rounds.includes(next)) {
      return rounds;
    }
    rounds.push(next);
  }
}

/** How the loop ended, read back from its last round (undefined: it failed, and its `error` says so). */
export function outcomeOf(
  rounds: readonly PromptRecord[],
  runs: ReadonlyMap<string, RepairRunResult>,
  allowed: number,
): RepairedEvent | undefined {
  // A fix request follows a run that did not pass; a format reminder follows an answer that could not be read.
  const fixes = rounds.slice(1).filter((_, i) => runs.has(rounds[i]?.id ?? '')).length;
  const last = rounds[rounds.length - 1] as PromptRecord;
  const run = runs.get(last.id);
  if (last.status === 'cancelled') {
    return { status: 'stopped', fixes };
  }
  if (last.status !== 'completed') {
    return undefined;
  }
  if (run === undefined) {
    const language = runnableLanguage(last.language);
    const parsed = language === null ? undefined : parseRepairAnswer(last.output, language);
    // No run kept: the answer could not be read (after one reminder), or Stop came during its run.
    return parsed !== undefined && !parsed.ok
      ? { status: 'no-code', fixes, problem: parsed.problem }
      : { status: 'stopped', fixes };
  }
  switch (run.status) {
    case 'passed':
      return { status: 'passed', fixes };
    case 'error':
      return { status: 'error', fixes, message: run.message ?? 'The tests could not be run.' };
    case 'failed':
    case 'timed-out':
      return fixes >= allowed
        ? { status: 'failed', fixes, lastRun: run }
        : { status: 'limited', fixes, message: LIMITED_REPLAY };
  }
}

/** The replay's events (numbered from 1), from the run's first turn and its thread. */
export function repairReplayEvents(
  first: PromptRecord,
  turns: readonly PromptRecord[],
  runs: ReadonlyMap<string, RepairRunResult>,
  allowed: number,
): NumberedEvent[] {
  const rounds = roundsOf(first, turns);
  const last = rounds[rounds.length - 1] as PromptRecord;
  const events: GenerationEvent[] = [startEventOf(first)];
  rounds.forEach((round, i) => {
    events.push({ event: 'round', data: { round: i, id: round.id, parentId: round.parentId } });
    if (round.output.length > 0) {
      events.push({ event: 'token', data: { text: round.output } });
    }
    const run = runs.get(round.id);
    if (run !== undefined) {
      events.push({ event: 'run', data: { round: i, ...run } });
    }
  });
  const outcome = outcomeOf(rounds, runs, allowed);
  if (outcome !== undefined) {
    events.push({ event: 'repaired', data: outcome });
  }
  // The last round's own end: done with its answer, or the error of a stopped or failed one
  // (stopped during its test run, a round that completed still ends the run as stopped).
  const ended = outcome?.status === 'stopped' ? { ...last, status: 'cancelled' as const } : last;
  const end = replayEvents(ended).at(-1)?.event;
  if (end !== undefined && (end.event === 'done' || end.event === 'error')) {
    events.push(end);
  }
  return events.map((event, i) => ({ id: i + 1, event }));
}

/**
 * Where a stop request for the Test and fix run that `first` started goes:
 * its first turn while the loop lives (it stays running until the loop's
 * end, whatever the phase), else the latest round (a run that an older
 * instance drives, whose first turn finishes with its answer).
 */
export async function currentRound(store: Store, first: PromptRecord): Promise<PromptRecord> {
  if (first.status === 'running') {
    return first;
  }
  const turns = await store.prompts.listThread(first.userId, first.threadId);
  return roundsOf(first, turns).at(-1) ?? first;
}

/** A reader over a finished Test and fix run's replay. */
export async function replayRepair(store: Store, first: PromptRecord, allowed: number): Promise<RunReader> {
  const [turns, runs] = await Promise.all([
    store.prompts.listThread(first.userId, first.threadId),
    store.repairs.runsOfThread(first.userId, first.threadId),
  ]);
  const events = repairReplayEvents(first, turns, runs, allowed);
  return {
    async *[Symbol.asyncIterator]() {
      yield* events;
    },
    close: () => undefined,
  };
}
