import type { ReactNode } from 'react';

/**
 * A run form's buttons: the submit button, or Stop while the run is going,
 * then any further buttons (`children`).
 */
export function RunActions({
  active,
  onStop,
  submitLabel,
  stopLabel = 'Stop',
  disabled = false,
  describedBy,
  children,
}: {
  active: boolean;
  onStop: () => void;
  submitLabel: string;
  stopLabel?: string;
  /** The submit button cannot be used (no usable model). */
  disabled?: boolean;
  /** Id of what says why it is disabled. */
  describedBy?: string | undefined;
  children?: ReactNode;
}) {
  return (
    <div className="form__actions">
      {active ? (
        <button
          // Keys keep Stop and the submit button distinct elements: reusing one would turn the
          // Stop click into a submit once React swaps its type during the click.
          key="stop"
          type="button"
          className="btn btn--danger"
          onClick={onStop}
        >
          <span className="btn__stop-icon" aria-hidden="true" />
          {stopLabel}
        </button>
      ) : (
        <button
          key="submit"
          type="submit"
          className="btn btn--primary"
          disabled={disabled}
          aria-describedby={describedBy}
        >
          {submitLabel}
        </button>
      )}
      {children}
    </div>
  );
}
