import { useState, type ReactNode } from 'react';
import type { ModelListing } from '../../api/generation.api';
import type { ThreadTurn } from '../../api/threads.api';
import type { ChainStep } from '../../generation/thread-tree';
import { modelName } from '../history/history-format';
import { TurnEditor } from './TurnEditor';
import { VersionSwitcher } from './VersionSwitcher';
import './thread.css';

/** Props of a thread's chain of turns. */
export interface ThreadTurnsProps {
  chain: readonly ChainStep<ThreadTurn>[];
  /** The turn drawn by `renderLive` (the page's run); the others are drawn by `renderStored`. */
  liveId: string | null;
  renderLive: () => ReactNode;
  renderStored: (turn: ThreadTurn) => ReactNode;
  /** Earlier turns the live run's model did not get. */
  omittedTurns: number;
  models: readonly ModelListing[] | null;
  /** A run is going: Regenerate waits. */
  busy: boolean;
  onSelect: (turn: ThreadTurn) => void;
  /** Regenerate a turn; without it (a thread read in History) there is no Retry. */
  onRegenerate?: (turn: ThreadTurn, modelId: string) => void;
  /**
   * Sends an edited request as a new version of `turn`; true when sent.
   * Without it (a thread read in History) requests cannot be edited.
   */
  onEdit?: (turn: ThreadTurn, text: string) => boolean;
  /** The models that can take this thread's turns. */
  usable: (model: ModelListing) => boolean;
}

/** What the user sent in a turn, in words. */
export function requestOf(turn: ThreadTurn, position: number): string {
  if (turn.kind === 'generate') {
    return turn.prompt;
  }
  return position === 0 ? 'Explain this code.' : turn.code;
}

/** The text a turn sent: Generate's prompt, Explain's code or question. */
export function sentText(turn: ThreadTurn): string {
  return turn.kind === 'generate' ? turn.prompt : turn.code;
}

/**
 * The turns of the chain on screen, each its request then its answer, with
 * "2 / 3" and arrows where a position has versions, Edit on each request (a
 * new version of that turn) and Regenerate (with the same or another model)
 * under each answer.
 */
export function ThreadTurns(props: ThreadTurnsProps) {
  const { chain, liveId, onEdit } = props;
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <ol className="thread" aria-label="Conversation">
      {chain.map((step, position) => (
        <li key={step.turn.id} className="thread-turn" aria-label={`Turn ${position + 1}`}>
          <div className="thread-turn__request">
            <span className="thread-turn__who">You</span>
            {onEdit && editing === step.turn.id ? (
              <TurnEditor
                id={`edit-${step.turn.id}`}
                initialText={sentText(step.turn)}
                busy={props.busy}
                onSend={(text) => onEdit(step.turn, text)}
                onCancel={() => {
                  setEditing(null);
                }}
              />
            ) : (
              <>
                <p className="thread-turn__text">{requestOf(step.turn, position)}</p>
                {onEdit ? (
                  <button
                    type="button"
                    className="btn btn--ghost thread-turn__edit-button"
                    disabled={props.busy}
                    aria-label={`Edit request ${position + 1}`}
                    onClick={() => {
                      setEditing(step.turn.id);
                    }}
                  >
                    Edit
                  </button>
                ) : null}
              </>
            )}
          </div>
          <div className="thread-turn__answer">
            {step.turn.id === liveId && props.omittedTurns > 0 ? (
              <p className="note">
                {props.omittedTurns === 1
                  ? '1 earlier turn was left out'
                  : `${props.omittedTurns} earlier turns were left out`}
                : the conversation no longer fits this model&apos;s context.
              </p>
            ) : null}
            {step.turn.id === liveId ? props.renderLive() : props.renderStored(step.turn)}
            <TurnControls step={step} {...props} />
          </div>
        </li>
      ))}
    </ol>
  );
}

function TurnControls({
  step,
  models,
  busy,
  onSelect,
  onRegenerate,
  usable,
}: ThreadTurnsProps & { step: ChainStep<ThreadTurn> }) {
  const [modelId, setModelId] = useState(step.turn.modelId);
  const choices = (models ?? []).filter((model) => model.id === step.turn.modelId || usable(model));
  const selectId = `regenerate-model-${step.turn.id}`;
  return (
    <div className="thread-turn__controls">
      <span className="thread-turn__model">{modelName(models, step.turn.modelId)}</span>
      {step.versions.length > 1 ? (
        <VersionSwitcher
          index={step.index}
          count={step.versions.length}
          onShow={(index) => {
            const turn = step.versions[index];
            if (turn) {
              onSelect(turn);
            }
          }}
        />
      ) : null}
      {onRegenerate ? (
        <div className="thread-turn__regenerate">
          <label htmlFor={selectId} className="visually-hidden">
            Retry with
          </label>
          <select
            id={selectId}
            value={modelId}
            onChange={(event) => {
              setModelId(event.target.value);
            }}
          >
            {choices.length === 0 ? <option value={step.turn.modelId}>{step.turn.modelId}</option> : null}
            {choices.map((model) => (
              <option key={model.id} value={model.id}>
                {model.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn--secondary"
            disabled={busy}
            // Not "Regenerate": the page's own Generate button is found by that word.
            title="Regenerate: write another version of this answer"
            onClick={() => {
              onRegenerate(step.turn, modelId);
            }}
          >
            Retry
          </button>
        </div>
      ) : null}
    </div>
  );
}
