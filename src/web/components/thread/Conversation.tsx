import type { ReactNode } from 'react';
import type { ThreadTurn } from '../../api/threads.api';
import { paramsOf, type TurnParams } from '../../generation/turn-params';
import type { ModelChoiceState } from '../../hooks/useModelChoice';
import type { ConversationState } from '../../hooks/useConversation';
import { isRunActive } from '../../stores/generation-run';
import { liveRepairSummary } from '../../generation/repair-progress';
import { followUpReason } from '../../stores/models.store';
import { FollowUpForm } from './FollowUpForm';
import { sentText, ThreadTurns } from './ThreadTurns';

export type { TurnParams } from '../../generation/turn-params';

/** A turn to send in the thread on screen, after `parentId`. */
export interface TurnToSend {
  text: string;
  threadId: string;
  parentId: string | null;
  /** null: the page's default model. */
  modelId: string | null;
  /** null (a follow-up): the settings in the page's form. */
  params: TurnParams | null;
}

/** Starts the page's run for `turn` (called only while no run is going). */
export type SendInThread = (turn: TurnToSend) => void;

/** What the follow-up box suggests, by page. */
const PLACEHOLDERS = {
  generate: 'For example: now add type hints',
  explain: 'For example: what does line 7 do?',
} as const;

/**
 * A page's conversation: the turns on screen (the live one drawn by
 * `renderLive`), Edit, Regenerate and versions on each, and the follow-up box.
 */
export function Conversation({
  kind,
  conversation,
  models,
  renderLive,
  renderStored,
  onSend,
  onNewConversation,
  followUpOption,
}: {
  kind: keyof typeof PLACEHOLDERS;
  conversation: ConversationState;
  /** The page's model choice: follow-ups go to the model picked in its form. */
  models: Pick<ModelChoiceState, 'models' | 'model' | 'modelId'>;
  renderLive: () => ReactNode;
  renderStored: (turn: ThreadTurn) => ReactNode;
  onSend: SendInThread;
  onNewConversation: () => void;
  /** A choice shown in the follow-up form (Generate's "Test and fix"). */
  followUpOption?: ReactNode;
}) {
  const { thread, snapshot, failure } = conversation;
  const active = isRunActive(snapshot);
  const lastTurn = thread.chain.at(-1)?.turn ?? null;
  const send = (text: string, parentId: string | null, modelId: string | null, params: TurnParams | null) => {
    if (active || thread.threadId === null) {
      return false;
    }
    onSend({ text, threadId: thread.threadId, parentId, modelId, params });
    return true;
  };
  return (
    <>
      <ThreadTurns
        chain={thread.chain}
        liveId={thread.liveId}
        renderLive={renderLive}
        renderStored={renderStored}
        omittedTurns={snapshot?.omittedTurns ?? 0}
        repairSummary={liveRepairSummary(snapshot, active)}
        models={models.models}
        busy={active}
        onSelect={thread.select}
        onRegenerate={(turn, modelId) => {
          send(sentText(turn), turn.parentId, modelId, paramsOf(turn, modelId === turn.modelId));
        }}
        // An edited request goes to the turn's own model with its settings, after the same parent.
        onEdit={(turn, text) => send(text, turn.parentId, turn.modelId, paramsOf(turn, true))}
      />
      <FollowUpForm
        idPrefix={kind}
        placeholder={PLACEHOLDERS[kind]}
        busy={active}
        error={failure}
        cannotFollowUp={models.model ? followUpReason(models.model) : null}
        onSend={(text) => send(text, lastTurn?.id ?? null, models.modelId, null)}
        onNewConversation={onNewConversation}
        option={followUpOption}
      />
    </>
  );
}
