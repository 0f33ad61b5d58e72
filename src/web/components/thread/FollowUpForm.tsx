import type { ReactNode } from 'react';
import type { RunError } from '../../generation/describe-error';
import { ThreadPromptForm } from './ThreadPromptForm';

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
  option,
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
  /** A choice shown above the buttons (Generate's "Test and fix"). */
  option?: ReactNode;
}) {
  return (
    <ThreadPromptForm
      name="Follow-up"
      className="follow-up"
      field={{ id: `${idPrefix}-follow-up`, name: 'followUp', label: 'Ask a follow-up', placeholder }}
      hint={cannotFollowUp}
      busy={busy}
      refusal={error}
      emptyProblem="Write what you want changed or explained."
      submitLabel="Send follow-up"
      onSend={onSend}
      other={{ label: 'New conversation', onClick: onNewConversation }}
      extra={option}
    />
  );
}
