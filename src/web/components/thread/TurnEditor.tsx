import { ThreadPromptForm } from './ThreadPromptForm';

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
  return (
    <ThreadPromptForm
      name="Edit request"
      className="thread-turn__edit"
      field={{ id, name: 'edit', label: 'Edit your request' }}
      hint="Sends it as a new version of this turn; the turns after it stay with the earlier version."
      initialText={initialText}
      autoFocus
      busy={busy}
      emptyProblem="Write the request to send instead."
      submitLabel="Send edit"
      onSend={(text) => {
        const sent = onSend(text);
        if (sent) {
          onCancel();
        }
        return sent;
      }}
      other={{ label: 'Cancel', onClick: onCancel }}
      onEscape={onCancel}
    />
  );
}
