import { useEffect, useId, useRef, type ReactNode } from 'react';
import './confirm-dialog.css';

/** Props of a confirmation dialog. */
export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What will happen, in plain words. */
  children: ReactNode;
  /** The confirming button's text, e.g. "Delete". */
  confirmLabel: string;
  /** While the action runs: the buttons are disabled and Escape does nothing. */
  busy?: boolean;
  /** Shown in the dialog when the action failed (the dialog stays open). */
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal confirmation on the native <dialog>: `showModal()` makes the rest
 * of the page inert, keeps Tab inside, closes on Escape and hands focus back
 * to the button that opened it. Focus starts on Cancel, so a stray Enter
 * does not destroy anything.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy = false,
  error = null,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) {
      return;
    }
    if (open && !dialog.open) {
      const opener = document.activeElement;
      dialog.showModal();
      cancelRef.current?.focus();
      return () => {
        if (dialog.open) {
          dialog.close();
        }
        // Browsers that do not restore focus themselves.
        if (opener instanceof HTMLElement && opener.isConnected && !dialog.contains(document.activeElement)) {
          opener.focus();
        }
      };
    }
    return undefined;
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        // Escape: close through React state, never while the action runs.
        event.preventDefault();
        if (!busy) {
          onCancel();
        }
      }}
      onClose={() => {
        // Closed by the browser itself (a repeated Escape cannot be prevented).
        if (open) {
          onCancel();
        }
      }}
    >
      <h2 id={titleId} className="confirm-dialog__title">
        {title}
      </h2>
      <div id={bodyId} className="confirm-dialog__body">
        {children}
      </div>
      {error ? (
        <div role="alert" className="alert alert--error">
          <p>{error}</p>
        </div>
      ) : null}
      <div className="confirm-dialog__actions">
        <button
          ref={cancelRef}
          type="button"
          className="btn btn--secondary"
          onClick={onCancel}
          disabled={busy}
        >
          Cancel
        </button>
        <button type="button" className="btn btn--danger" onClick={onConfirm} disabled={busy}>
          {busy ? <span className="spinner spinner--inline" aria-hidden="true" /> : null}
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
