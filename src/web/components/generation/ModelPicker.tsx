import type { ModelListing } from '../../api/generation.api';
import { listedFor } from '../../stores/models.store';
import type { ModelTaskName } from '../../../shared/models.schemas';
import { SelectField } from '../FormField';
import { ModelStatus, modelOptionLabel } from './ModelStatus';

/** Props of the single-model picker. */
export interface ModelPickerProps {
  id: string;
  models: readonly ModelListing[] | null;
  /** Why the list could not be loaded. */
  loadError: string | null;
  value: string | null;
  onChange: (modelId: string) => void;
  disabled?: boolean;
  error?: string | undefined;
  /** What the page asks of the model: models that cannot do it are listed as unavailable, with the reason. */
  task?: ModelTaskName;
}

/**
 * A native select (keyboard and phone friendly) whose options carry each
 * model's status, with the chosen model's status, size or live download
 * progress right under it.
 */
export function ModelPicker({
  id,
  models,
  loadError,
  value,
  onChange,
  disabled,
  error,
  task = 'generate',
}: ModelPickerProps) {
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
        onChange(event.target.value);
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
          {modelOptionLabel(model)}
        </option>
      ))}
    </SelectField>
  );
}
