import type { ModelChoiceState } from '../../hooks/useModelChoice';
import { followUpReason, listedFor } from '../../stores/models.store';
import type { ModelTaskName } from '../../../shared/models.schemas';
import { SelectField } from '../FormField';
import { ModelStatus, modelOptionLabel } from './ModelStatus';

/** Props of the single-model picker. */
export interface ModelPickerProps {
  id: string;
  /** The page's model choice: the list (or why it could not load), the model used, and the user's pick. */
  choice: Pick<ModelChoiceState, 'models' | 'loadError' | 'modelId' | 'choose'>;
  /** Called after the choice records a pick (Generate then takes the new model's defaults). */
  onChange?: (modelId: string) => void;
  disabled?: boolean;
  error?: string | undefined;
  /** What the page asks of the model: models that cannot do it are listed as unavailable, with the reason. */
  task?: ModelTaskName;
  /**
   * A conversation is open, and the model also takes its follow-ups: one
   * that cannot (a code-completion model) says so in its option, while it
   * still writes a new request.
   */
  followUp?: boolean;
}

/**
 * A native select (keyboard and phone friendly) whose options carry each
 * model's status, with the chosen model's status, size or live download
 * progress right under it.
 */
export function ModelPicker({
  id,
  choice,
  onChange,
  disabled,
  error,
  task = 'generate',
  followUp = false,
}: ModelPickerProps) {
  const { models, loadError, modelId: value } = choice;
  const listed = models?.map((m) => listedFor(m, task)) ?? null;
  const selected = listed?.find((m) => m.id === value) ?? null;
  const statusId = `${id}-status`;
  return (
    <SelectField
      id={id}
      label="Model"
      value={value ?? ''}
      disabled={disabled === true || !models || models.length === 0}
      onChange={(event) => {
        choice.choose(event.target.value);
        onChange?.(event.target.value);
      }}
      error={error ?? (loadError && !models ? loadError : undefined)}
      describedBy={selected ? statusId : undefined}
      after={selected ? <ModelStatus id={statusId} model={selected} /> : null}
    >
      {listed === null ? <option value="">Loading models…</option> : null}
      {listed?.length === 0 ? <option value="">No models are configured</option> : null}
      {listed && listed.length > 0 && value === null ? <option value="">Choose a model</option> : null}
      {listed?.map((model) => (
        <option key={model.id} value={model.id}>
          {modelOptionLabel(model, followUp && followUpReason(model) !== null ? 'no follow-ups' : undefined)}
        </option>
      ))}
    </SelectField>
  );
}
