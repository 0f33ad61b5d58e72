import type { Logger } from '../logger.js';
import type { PromptRepository } from '../store/store.port.js';
import type { GenerationEvent } from '../../shared/generation.schemas.js';
import type { LiveRun, RunRegistry, RunTimers } from './run-registry.js';

/** What a run's pump works with. */
export interface RunPumpDeps {
  /** Where the output so far is saved. */
  prompts: Pick<PromptRepository, 'saveProgress'>;
  log: Logger;
  /** The periodic save's timer. */
  timers: RunTimers;
  /** The live runs, which the run leaves (after the grace period) once it ends. */
  registry: RunRegistry;
}

/** The output streamed so far is saved at least this often, so a crash loses at most this much. */
export const PROGRESS_SAVE_MS = 1000;

/**
 * Drives a run to its end whoever reads it: writes each event to the live
 * run for its readers, and saves the output so far at least once every
 * PROGRESS_SAVE_MS while tokens arrive (which is also what another instance
 * following the run reads).
 */
export async function pumpRun(
  deps: RunPumpDeps,
  id: string,
  events: AsyncIterable<GenerationEvent>,
  live: LiveRun,
): Promise<void> {
  let output = '';
  let tokens = 0;
  // Where the output goes: a Test and fix run's tokens are the current round's turn's (its `round` event).
  let target = id;
  let saveTimer: unknown;
  const save = () => {
    saveTimer = undefined;
    deps.prompts.saveProgress(target, output, tokens).catch((error: unknown) => {
      deps.log.warn({ err: error, promptId: id }, 'could not save the progress of a generation');
    });
  };
  try {
    for await (const event of events) {
      if (event.event === 'token') {
        output += event.data.text;
        tokens += 1;
        saveTimer ??= deps.timers.setTimeout(save, PROGRESS_SAVE_MS);
      } else if (event.event === 'round') {
        target = event.data.id;
        output = '';
        tokens = 0;
      }
      live.push(event);
    }
  } catch (error) {
    deps.log.error({ err: error, promptId: id }, 'generation stream failed');
  } finally {
    if (saveTimer !== undefined) {
      deps.timers.clearTimeout(saveTimer);
    }
    live.end();
    deps.registry.retire(id);
  }
}
