import { useState, type ReactNode } from 'react';
import type { RunError } from '../../generation/describe-error';
import { TextAreaField } from '../FormField';
import { RunErrorAlert } from '../generation/RunErrorAlert';
import { isSubmitShortcut } from '../generation/ShortcutHint';

/** Props of a request box in a thread. */
export interface ThreadPromptFormProps {
  /** The form's accessible name ("Follow-up", "Edit request"). */
  name: string;
  className: string;
  /** The text area: its id, `name`, label and placeholder. */
  field: { id: string; name: string; label: string; placeholder?: string };
  /** Help under the box (what sending does, or why the chosen model takes no follow-up). */
  hint?: string | null;
  /** What the box starts with (the request being edited). */
  initialText?: string;
  /** A run is going: sending waits for it. */
  busy: boolean;
  /** What the box says when sent empty. */
  emptyProblem: string;
  submitLabel: string;
  /**
   * Sends the trimmed text (never empty, never while a run is going); true
   * when the request was sent: the box then empties.
   */
  onSend: (text: string) => boolean;
  /**
   * Why the last request was refused, shown under the box; the text sent
   * comes back into an empty box, so another model is one click away.
   */
  refusal?: RunError | null;
  /** The second button ("New conversation", "Cancel"). */
  other: { label: string; onClick: () => void };
  /** Escape in the box (an editor closes). */
  onEscape?: () => void;
  autoFocus?: boolean;
  /** More choices, shown above the buttons. */
  extra?: ReactNode;
}

/**
 * A request sent in a thread: the follow-up under the latest answer, or an
 * edited earlier request. Ctrl+Enter sends, an empty box says what to write.
 */
export function ThreadPromptForm(props: ThreadPromptFormProps) {
  const { field, busy, other, refusal = null } = props;
  const [text, setText] = useState(props.initialText ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [lastSent, setLastSent] = useState('');
  const [shownRefusal, setShownRefusal] = useState(refusal);
  if (refusal !== shownRefusal) {
    setShownRefusal(refusal);
    if (refusal !== null && text === '') {
      setText(lastSent);
    }
  }
  const send = () => {
    if (busy) {
      return;
    }
    if (text.trim() === '') {
      setProblem(props.emptyProblem);
      return;
    }
    setProblem(null);
    if (props.onSend(text.trim())) {
      setLastSent(text);
      setText('');
    }
  };
  return (
    <form
      className={props.className}
      aria-label={props.name}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <TextAreaField
        {...field}
        rows={3}
        value={text}
        autoFocus={props.autoFocus}
        onChange={(event) => {
          setText(event.target.value);
          setProblem(null);
        }}
        onKeyDown={(event) => {
          if (isSubmitShortcut(event)) {
            event.preventDefault();
            send();
          } else if (event.key === 'Escape') {
            props.onEscape?.();
          }
        }}
        error={problem ?? undefined}
        hint={props.hint ?? undefined}
      />
      {props.extra}
      <RunErrorAlert error={refusal} />
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {props.submitLabel}
        </button>
        <button type="button" className="btn btn--ghost" onClick={other.onClick}>
          {other.label}
        </button>
      </div>
    </form>
  );
}
