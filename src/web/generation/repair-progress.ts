import type { RepairedEvent } from '../../shared/generation.schemas';
import { MESSAGES } from '../../shared/messages';
import { repairRoundKind, type RepairRunResult } from '../../shared/repair/repair.schemas';
import { runnableLanguage } from '../../shared/run';
import type { ModelListing } from '../api/generation.api';

/*
 * Test and fix (issue 17) in the web app: what a run's `round`, `run` and
 * `repaired` events say, kept beside the answer so each round is drawn as a
 * turn of the thread, and the words of the loop's end. No React here.
 */

/** One round as the stream showed it: its turn in the thread, its answer, its test run. */
export interface RepairRoundState {
  /** 0: the first answer; then each fix (or format reminder). */
  round: number;
  /** The round's turn in the thread. */
  id: string;
  parentId: string | null;
  /** The answer, once the next round started (the current round's answer is the run's `output`). */
  output: string;
  /** How running its code with its tests went; null until its `run` event. */
  run: RepairRunResult | null;
}

/** The rounds of a Test and fix run so far, and how it ended (null while it goes). */
export interface RepairProgress {
  rounds: RepairRoundState[];
  outcome: RepairedEvent | null;
}

export const NO_REPAIR_PROGRESS: RepairProgress = { rounds: [], outcome: null };

/** A `round` event: the current round's answer (`output`) is kept on it, and the new round begins. */
export function withRound(
  progress: RepairProgress,
  event: { round: number; id: string; parentId: string | null },
  output: string,
): RepairProgress {
  const rounds = progress.rounds.map((r, i) => (i === progress.rounds.length - 1 ? { ...r, output } : r));
  // A replay (after attaching again) sends the rounds anew: the same round replaces the one kept.
  const kept = rounds.filter((r) => r.round < event.round);
  return { ...progress, rounds: [...kept, { ...event, output: '', run: null }] };
}

/** A `run` event: the test run of round `round`. */
export function withRun(
  progress: RepairProgress,
  event: RepairRunResult & { round: number },
): RepairProgress {
  const { round, ...run } = event;
  return { ...progress, rounds: progress.rounds.map((r) => (r.round === round ? { ...r, run } : r)) };
}

/** The round being answered (the last one); null before the first `round` event. */
export function currentRound(progress: RepairProgress | null): RepairRoundState | null {
  return progress?.rounds.at(-1) ?? null;
}

/** The rounds before the current one: finished, each a turn of its own. */
export function earlierRounds(progress: RepairProgress | null): RepairRoundState[] {
  return progress ? progress.rounds.slice(0, -1) : [];
}

/**
 * Why Test and fix cannot run `language` with `model`, or null when it can:
 * only Python, JavaScript and TypeScript run, and a code-completion model
 * cannot take the fix rounds' follow-ups (the server refuses both with a 400).
 */
export function repairUnavailableReason(
  language: string,
  model: Pick<ModelListing, 'name' | 'followUps'> | null,
): string | null {
  if (runnableLanguage(language) === null) {
    return MESSAGES.repairLanguage;
  }
  return model && !model.followUps ? `${model.name} ${MESSAGES.repairCannotFollowUp}` : null;
}

/** How a test run ended, in words. */
export function runStatusText(run: RepairRunResult): string {
  switch (run.status) {
    case 'passed':
      return 'Its own tests passed';
    case 'failed':
      return 'Its own tests failed';
    case 'timed-out':
      return 'Its own tests timed out';
    case 'error':
      return 'The tests could not be run';
    default: {
      const unreachable: never = run.status;
      return unreachable;
    }
  }
}

const fixes = (n: number): string => (n === 1 ? '1 fix' : `${String(n)} fixes`);

/** The last state of a Test and fix run, in words; `tone` picks its colour. */
export interface RepairSummary {
  tone: 'passed' | 'failed' | 'stopped';
  text: string;
  /** The last error to show under the text (a failing run's message and output). */
  lastRun: RepairRunResult | null;
}

/**
 * The words of a loop's end, from its `repaired` event. The tests are the
 * model's own: the text says they passed, never that the code is right.
 */
export function summaryOfOutcome(outcome: RepairedEvent): RepairSummary {
  switch (outcome.status) {
    case 'passed':
      return {
        tone: 'passed',
        text:
          outcome.fixes === 0
            ? 'Passed its own tests on the first try'
            : `Passed its own tests after ${fixes(outcome.fixes)}`,
        lastRun: null,
      };
    case 'failed':
      return {
        tone: 'failed',
        text: `Still failing its own tests after ${fixes(outcome.fixes)}: here is the last error`,
        lastRun: outcome.lastRun,
      };
    case 'stopped':
      return {
        tone: 'stopped',
        text:
          outcome.fixes === 0 ? 'Stopped before a fix was tested' : `Stopped after ${fixes(outcome.fixes)}`,
        lastRun: null,
      };
    case 'no-code':
      return {
        tone: 'failed',
        text: 'Stopped: the answer could not be read as code and tests, even after a reminder of the format',
        lastRun: null,
      };
    case 'error':
      return {
        tone: 'failed',
        text: `Stopped: the tests could not be run (${outcome.message})`,
        lastRun: null,
      };
    case 'limited':
      return {
        tone: 'stopped',
        text: `Stopped after ${fixes(outcome.fixes)}: ${outcome.message}`,
        lastRun: null,
      };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

/** A turn as far as the summary needs it. */
export interface SummaryTurn {
  status: string;
  params: Record<string, unknown>;
  testRun?: RepairRunResult | undefined;
}

/** Whether a stored turn is a fix (or format) round the loop sent, not a request the user wrote. */
export function isRepairRound(turn: { params: Record<string, unknown> }): boolean {
  return repairRoundKind(turn.params) !== null;
}

/**
 * The end of the Test and fix run that ends `chain` (a stored thread, as
 * History shows it): how its last test run went and how many fix rounds came
 * before it. Null when the last turn was not tested.
 */
export function summaryOfTurns(chain: readonly SummaryTurn[]): RepairSummary | null {
  const last = chain.at(-1);
  if (last?.testRun === undefined) {
    return null;
  }
  // Fix rounds only: a format reminder is a round of the loop but not a fix (as the live view counts).
  let count = 0;
  for (const turn of [...chain].reverse()) {
    if (!isRepairRound(turn)) {
      break;
    }
    count += repairRoundKind(turn.params) === 'fix' ? 1 : 0;
  }
  const run = last.testRun;
  if (run.status === 'passed') {
    return summaryOfOutcome({ status: 'passed', fixes: count });
  }
  if (run.status === 'error') {
    return summaryOfOutcome({ status: 'error', fixes: count, message: run.message ?? run.output });
  }
  return summaryOfOutcome({ status: 'failed', fixes: count, lastRun: run });
}

/**
 * What a conversation says of the live run's Test and fix: nothing while it
 * runs (null), its `repaired` outcome (or "stopped" when Stop came first),
 * or undefined when the run was not a Test and fix run (the stored turns say).
 */
export function liveRepairSummary(
  live: { status: string; repair?: RepairProgress | undefined } | null,
  active: boolean,
): RepairSummary | null | undefined {
  const repair = live?.repair;
  if (repair === undefined) {
    return undefined;
  }
  if (active) {
    return null;
  }
  if (repair.outcome) {
    return summaryOfOutcome(repair.outcome);
  }
  // Stop came before the outcome: the fixes whose tests ran.
  const tested = repair.rounds.filter((round) => round.run !== null).length;
  return live?.status === 'stopped'
    ? summaryOfOutcome({ status: 'stopped', fixes: Math.max(0, tested - 1) })
    : undefined;
}

/** The `repair` field of a generate request: present when Test and fix is on and can run `language` with `model`. */
export function repairFieldOf(
  choice: { enabled: boolean; rounds: number },
  language: string,
  model: Pick<ModelListing, 'name' | 'followUps'> | null = null,
): { repair?: { rounds: number } } {
  const available = repairUnavailableReason(language, model) === null;
  return choice.enabled && available ? { repair: { rounds: choice.rounds } } : {};
}
