import { useState } from 'react';
import type { RunError } from '../../generation/describe-error';
import { TextAreaField } from '../FormField';
import { RunErrorAlert } from '../generation/RunErrorAlert';
import { isSubmitShortcut } from '../generation/ShortcutHint';

/**
 * "Ask a follow-up" under the latest answer: sent in the same thread after
 * the answer on screen. "New conversation" leaves the thread.
 */
export function FollowUpForm({
  idPrefix,
  placeholder,
  busy,
  error,
  cannotFollowUp,
  onSend,
  onNewConversation,
}: {
  idPrefix: string;
  placeholder: string;
  /** A run is going: sending waits for it. */
  busy: boolean;
  /** Why the last follow-up was refused (a completion model's `model_cannot_follow_up` ...). */
  error: RunError | null;
  /** Why the chosen model takes no follow-up, said before trying; null when it can. */
  cannotFollowUp: string | null;
  /** Sends `text`; true when the request was sent (the box then empties, and refills if it is refused). */
  onSend: (text: string) => boolean;
  onNewConversation: () => void;
}) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // A refused follow-up gives its text back, so another model is one click away.
  const [lastSent, setLastSent] = useState('');
  const [shownError, setShownError] = useState(error);
  if (error !== shownError) {
    setShownError(error);
    if (error !== null && text === '') {
      setText(lastSent);
    }
  }
  const fieldId = `${idPrefix}-follow-up`;
  const send = () => {
    if (busy) {
      return;
    }
    if (text.trim() === '') {
      setProblem('Write what you want changed or explained.');
      return;
    }
    setProblem(null);
    if (onSend(text.trim())) {
      setLastSent(text);
      setText('');
    }
  };
  return (
    <form
      className="follow-up"
      aria-label="Follow-up"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <TextAreaField
        id={fieldId}
        name="followUp"
        label="Ask a follow-up"
        rows={3}
        value={text}
        placeholder={placeholder}
        onChange={(event) => {
          setText(event.target.value);
          setProblem(null);
        }}
        onKeyDown={(event) => {
          if (isSubmitShortcut(event)) {
            event.preventDefault();
            send();
          }
        }}
        error={problem ?? undefined}
        hint={cannotFollowUp ?? undefined}
      />
      <RunErrorAlert error={error} />
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          Send follow-up
        </button>
        <button type="button" className="btn btn--ghost" onClick={onNewConversation}>
          New conversation
        </button>
      </div>
    </form>
  );
}
