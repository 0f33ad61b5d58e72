import { useState } from 'react';
import { TextAreaField } from '../FormField';
import { isSubmitShortcut } from '../generation/ShortcutHint';

/**
 * The edit box of an earlier request: sending it writes a new version of
 * that turn (a new branch from there); the turns after it stay on the old one.
 */
export function TurnEditor({
  id,
  initialText,
  busy,
  onSend,
  onCancel,
}: {
  id: string;
  initialText: string;
  /** A run is going: sending waits for it. */
  busy: boolean;
  /** Sends the edited text; true when the request was sent (the box then closes). */
  onSend: (text: string) => boolean;
  onCancel: () => void;
}) {
  const [text, setText] = useState(initialText);
  const [problem, setProblem] = useState<string | null>(null);
  const send = () => {
    if (busy) {
      return;
    }
    if (text.trim() === '') {
      setProblem('Write the request to send instead.');
      return;
    }
    if (onSend(text.trim())) {
      onCancel();
    }
  };
  return (
    <form
      className="thread-turn__edit"
      aria-label="Edit request"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <TextAreaField
        id={id}
        name="edit"
        label="Edit your request"
        rows={3}
        value={text}
        autoFocus
        onChange={(event) => {
          setText(event.target.value);
          setProblem(null);
        }}
        onKeyDown={(event) => {
          if (isSubmitShortcut(event)) {
            event.preventDefault();
            send();
          } else if (event.key === 'Escape') {
            onCancel();
          }
        }}
        error={problem ?? undefined}
        hint="Sends it as a new version of this turn; the turns after it stay with the earlier version."
      />
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          Send edit
        </button>
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
