import type { ReactNode } from 'react';
import { MESSAGES } from '../../../shared/messages';
import type { ModelListing } from '../../api/generation.api';
import type { ThreadTurn } from '../../api/threads.api';
import type { RunError } from '../../generation/describe-error';
import { paramsOf, type TurnParams } from '../../generation/turn-params';
import type { ThreadState } from '../../hooks/useThread';
import { FollowUpForm } from './FollowUpForm';
import { sentText, ThreadTurns } from './ThreadTurns';

export type { TurnParams } from '../../generation/turn-params';

/**
 * Sends a turn after `parentId` in the thread; false when nothing was sent.
 * `params` null (a follow-up): the settings in the page's form.
 */
export type SendInThread = (
  text: string,
  parentId: string | null,
  modelId: string | null,
  params: TurnParams | null,
) => boolean;

/**
 * A page's conversation: the turns on screen (the live one drawn by
 * `renderLive`), Edit, Regenerate and versions on each, and the follow-up box.
 */
export function Conversation({
  idPrefix,
  thread,
  active,
  omittedTurns,
  models,
  chosenModel,
  chosenModelId,
  failure,
  placeholder,
  renderLive,
  renderStored,
  onSend,
  onNewConversation,
}: {
  idPrefix: string;
  thread: ThreadState;
  active: boolean;
  omittedTurns: number;
  models: readonly ModelListing[] | null;
  /** The model picked in the page's form: follow-ups go to it. */
  chosenModel: ModelListing | null;
  chosenModelId: string | null;
  /** Why the last follow-up or Regenerate was refused. */
  failure: RunError | null;
  placeholder: string;
  renderLive: () => ReactNode;
  renderStored: (turn: ThreadTurn) => ReactNode;
  onSend: SendInThread;
  onNewConversation: () => void;
}) {
  const lastTurn = thread.chain.at(-1)?.turn ?? null;
  return (
    <>
      <ThreadTurns
        chain={thread.chain}
        liveId={thread.liveId}
        renderLive={renderLive}
        renderStored={renderStored}
        omittedTurns={omittedTurns}
        models={models}
        busy={active}
        onSelect={thread.select}
        onRegenerate={(turn, modelId) => {
          onSend(sentText(turn), turn.parentId, modelId, paramsOf(turn, modelId === turn.modelId));
        }}
        // An edited request goes to the turn's own model with its settings, after the same parent.
        onEdit={(turn, text) => onSend(text, turn.parentId, turn.modelId, paramsOf(turn, true))}
        usable={(listing) => listing.status !== 'unavailable' && listing.format !== 'completion'}
      />
      <FollowUpForm
        idPrefix={idPrefix}
        placeholder={placeholder}
        busy={active}
        error={failure}
        cannotFollowUp={
          chosenModel?.format === 'completion' ? `${chosenModel.name} ${MESSAGES.cannotFollowUp}` : null
        }
        onSend={(text) => onSend(text, lastTurn?.id ?? null, chosenModelId, null)}
        onNewConversation={onNewConversation}
      />
    </>
  );
}
