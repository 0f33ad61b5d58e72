import type { PromptRecord, Store } from '../store/store.port.js';
import type { GenerationEvent } from '../../shared/generation.schemas.js';
import { repairReplayEvents, repairRoundsOf, roundsOf } from './repair-replay.js';
import { FOLLOW_POLL_MS, followPauses, type FollowDeps } from './run-follow.js';
import type { NumberedEvent, RunReader } from './run-registry.js';
import { startEventOf } from './run-replay.js';

/** What following a Test and fix run reads. */
export interface RepairFollowDeps extends Omit<FollowDeps, 'prompts'> {
  prompts: Pick<Store['prompts'], 'findById' | 'listThread'>;
  repairs: Pick<Store['repairs'], 'runsOfThread'>;
}

/** The events that end a replay: `repaired`, then `done` or `error`. */
function endOf(events: readonly NumberedEvent[]): GenerationEvent[] {
  const end: GenerationEvent[] = [];
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i]?.event;
    if (event === undefined || !['repaired', 'done', 'error'].includes(event.event)) {
      break;
    }
    end.unshift(event);
  }
  return end;
}

/**
 * A reader of a Test and fix run that another instance drives (issue 17
 * across instances): `start`, then per round, as the owner saves them, its
 * `round`, its answer's saved text as `token` events and its `run`; once
 * the run's first turn is final (its owner finishes it at the loop's end,
 * after every round and run is saved), the replay's `repaired` and its
 * `done` or `error`. Numbered from 1 in order: a client resuming here
 * begins afresh at `start`.
 */
export function followRepair(first: PromptRecord, deps: RepairFollowDeps): RunReader {
  const waits = followPauses(deps.timers, deps.pollMs ?? FOLLOW_POLL_MS);
  const allowed = repairRoundsOf(first) ?? 0;

  async function* iterate(): AsyncGenerator<NumberedEvent> {
    let id = 0;
    const numbered = (event: GenerationEvent): NumberedEvent => ({ id: ++id, event });
    yield numbered(startEventOf(first));
    // Per round sent so far: its text, and whether its run was sent.
    const sent: { text: string; run: boolean }[] = [];
    while (!waits.closed()) {
      // The first turn first: once it is final, the thread read after it holds every round.
      const head = await deps.prompts.findById(first.id);
      if (head === null) {
        // Deleted meanwhile: the stream ends without an end event.
        return;
      }
      const [turns, runs] = await Promise.all([
        deps.prompts.listThread(first.userId, first.threadId),
        deps.repairs.runsOfThread(first.userId, first.threadId),
      ]);
      const rounds = roundsOf(head, turns);
      for (const [i, round] of rounds.entries()) {
        let seen = sent[i];
        if (seen === undefined) {
          seen = { text: '', run: false };
          sent.push(seen);
          yield numbered({ event: 'round', data: { round: i, id: round.id, parentId: round.parentId } });
        }
        // A round's output only grows while it is answered.
        if (round.output.length > seen.text.length && round.output.startsWith(seen.text)) {
          yield numbered({ event: 'token', data: { text: round.output.slice(seen.text.length) } });
          seen.text = round.output;
        }
        const run = runs.get(round.id);
        if (run !== undefined && !seen.run) {
          seen.run = true;
          yield numbered({ event: 'run', data: { round: i, ...run } });
        }
      }
      if (head.status !== 'running') {
        for (const event of endOf(repairReplayEvents(head, turns, runs, allowed))) {
          yield numbered(event);
        }
        return;
      }
      await waits.pause();
    }
  }

  return {
    [Symbol.asyncIterator]: iterate,
    close: waits.close,
  };
}
