import type { RunStatus } from '../../stores/generation-run';
import './run-status.css';

const LABELS: Record<RunStatus, string> = {
  starting: 'Starting',
  waiting: 'Waiting',
  streaming: 'Writing',
  done: 'Done',
  stopped: 'Stopped',
  failed: 'Failed',
};

/** The state of a run as a small badge. */
export function RunBadge({ status }: { status: RunStatus }) {
  const live = status === 'starting' || status === 'streaming' || status === 'waiting';
  return (
    <span className={`run-badge run-badge--${status}`}>
      {live ? <span className="spinner spinner--inline" aria-hidden="true" /> : null}
      {LABELS[status]}
    </span>
  );
}

/** What a screen reader hears when a run changes state (not every token: that would drown everything). */
export function announcement(status: RunStatus | undefined, what = 'answer'): string {
  switch (status) {
    case undefined:
      return '';
    case 'starting':
      return `Generating the ${what}…`;
    case 'waiting':
      return 'Waiting for a free slot…';
    case 'streaming':
      return `The ${what} is being written.`;
    case 'done':
      return `The ${what} is complete.`;
    case 'stopped':
      return `Stopped. The partial ${what} is kept.`;
    case 'failed':
      return `The ${what} failed.`;
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}
