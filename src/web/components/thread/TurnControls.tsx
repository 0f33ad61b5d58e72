import { useState } from 'react';
import type { ModelListing } from '../../api/generation.api';
import type { ThreadTurn } from '../../api/threads.api';
import type { ChainStep } from '../../generation/thread-tree';
import { listedFor } from '../../stores/models.store';
import { modelName } from '../history/history-format';
import { modelOptionLabel } from '../generation/ModelStatus';
import { VersionSwitcher } from './VersionSwitcher';

/** Props of the controls under one answer of a thread. */
export interface TurnControlsProps {
  step: ChainStep<ThreadTurn>;
  /** The turn's position in the chain (0: the thread's first). */
  position: number;
  models: readonly ModelListing[] | null;
  /** A run is going: Retry waits. */
  busy: boolean;
  onSelect: (turn: ThreadTurn) => void;
  /** Regenerate the turn; without it (a thread read in History) there is no Retry. */
  onRegenerate?: ((turn: ThreadTurn, modelId: string) => void) | undefined;
  /** The models offered for Retry besides the turn's own; every listed one when left out. */
  usable?: ((model: ModelListing) => boolean) | undefined;
}

/**
 * The model that wrote the answer, "2 / 3" with arrows where the position
 * has versions, and Retry with the same or another model. A model that
 * cannot write this turn (a code-completion model after earlier turns, or
 * on an explanation) is listed as unavailable, and chosen it says why and
 * Retry is off, as the pages' pickers do.
 */
export function TurnControls({
  step,
  position,
  models,
  busy,
  onSelect,
  onRegenerate,
  usable,
}: TurnControlsProps) {
  const [modelId, setModelId] = useState(step.turn.modelId);
  const choices = (models ?? [])
    .filter((model) => model.id === step.turn.modelId || (usable?.(model) ?? true))
    .map((model) => listedFor(model, step.turn.kind, position > 0));
  const chosen = choices.find((model) => model.id === modelId);
  const reason = chosen?.status === 'unavailable' ? (chosen.reason ?? null) : null;
  const selectId = `regenerate-model-${step.turn.id}`;
  const reasonId = `${selectId}-reason`;
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
            aria-describedby={reason === null ? undefined : reasonId}
            onChange={(event) => {
              setModelId(event.target.value);
            }}
          >
            {choices.length === 0 ? <option value={step.turn.modelId}>{step.turn.modelId}</option> : null}
            {choices.map((model) => (
              <option key={model.id} value={model.id}>
                {modelOptionLabel(model)}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn--secondary"
            disabled={busy || reason !== null}
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
      {reason === null ? null : (
        <p id={reasonId} className="note">
          {reason}
        </p>
      )}
    </div>
  );
}
