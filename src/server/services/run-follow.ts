import type { PromptRecord, PromptRepository } from '../store/store.port.js';
import type { GenerationEvent } from '../../shared/generation.schemas.js';
import type { NumberedEvent, RunReader, RunTimers } from './run-registry.js';
import { replayEvents, startEventOf } from './run-replay.js';

/** How often a run driven by another instance is read again (its owner saves progress once a second). */
export const FOLLOW_POLL_MS = 500;

/** The waits between reads of a followed run: each cut short, and the reading ended, by close(). */
export interface FollowPauses {
  pause: () => Promise<void>;
  closed: () => boolean;
  close: () => void;
}

export function followPauses(timers: RunTimers, pollMs: number): FollowPauses {
  let closed = false;
  let wake: (() => void) | undefined;
  return {
    pause: () =>
      new Promise<void>((resolve) => {
        const handle = timers.setTimeout(resolve, pollMs);
        wake = () => {
          timers.clearTimeout(handle);
          resolve();
        };
      }),
    closed: () => closed,
    close: () => {
      closed = true;
      wake?.();
    },
  };
}

export interface FollowDeps {
  prompts: Pick<PromptRepository, 'findById'>;
  timers: RunTimers;
  pollMs?: number;
}

/**
 * A reader of a run that another instance drives (issue 14): `start`, the
 * output saved so far as one `token`, then each saved addition as a `token`
 * while it runs, and once its record is final, its `done` or `error` (as a
 * replay ends). Numbered as the owner numbers its events (`start` 1, a
 * token the number of the owner's token event that ends the same text), so
 * a client that loses this connection continues at the owner with
 * Last-Event-ID; a client resuming here begins afresh at `start`.
 */
export function followRun(record: PromptRecord, deps: FollowDeps): RunReader {
  const waits = followPauses(deps.timers, deps.pollMs ?? FOLLOW_POLL_MS);

  async function* iterate(): AsyncGenerator<NumberedEvent> {
    let id = 0;
    const numbered = (event: GenerationEvent, at = id + 1): NumberedEvent => {
      id = at;
      return { id, event };
    };
    yield numbered(startEventOf(record));
    let sent = '';
    let current: PromptRecord | null = record;
    while (!waits.closed() && current) {
      // The output only grows while a run goes on; the final record holds all of it.
      if (current.output.length > sent.length && current.output.startsWith(sent)) {
        const text = current.output.slice(sent.length);
        // While it runs, the saved count is the owner's number of token events: this token takes the
        // number of the owner's event that ended the same text, so Last-Event-ID resumes there exactly.
        const saved = current.status === 'running' ? current.completionTokens : null;
        yield numbered(
          { event: 'token', data: { text } },
          saved !== null && saved + 1 > id ? saved + 1 : id + 1,
        );
        sent = current.output;
      }
      if (current.status !== 'running') {
        const end = replayEvents(current).at(-1);
        if (end && (end.event.event === 'done' || end.event.event === 'error')) {
          yield numbered(end.event);
        }
        return;
      }
      await waits.pause();
      // A record deleted meanwhile ends the stream without an end event.
      current = waits.closed() ? null : await deps.prompts.findById(record.id);
    }
  }

  return {
    [Symbol.asyncIterator]: iterate,
    close: waits.close,
  };
}
