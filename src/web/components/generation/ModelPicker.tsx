import type { ModelListing } from '../../api/generation.api';
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
}

/**
 * A native select (keyboard and phone friendly) whose options carry each
 * model's status, with the chosen model's status, size or live download
 * progress right under it.
 */
export function ModelPicker({ id, models, loadError, value, onChange, disabled, error }: ModelPickerProps) {
  const selected = models?.find((m) => m.id === value) ?? null;
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
      {models === null ? <option value="">Loading models…</option> : null}
      {models?.length === 0 ? <option value="">No models are configured</option> : null}
      {models?.map((model) => (
        <option key={model.id} value={model.id}>
          {modelOptionLabel(model)}
        </option>
      ))}
    </SelectField>
  );
}
