import type { ModelListing } from '../../api/generation.api';
import { maxTokensLimit, type SamplingDraft, type SamplingField } from '../../generation/sampling';
import { FormField } from '../FormField';
import './advanced.css';

/** Props of the Advanced panel. */
export interface AdvancedSettingsProps {
  idPrefix: string;
  model: ModelListing | null;
  draft: SamplingDraft;
  onChange: (field: SamplingField, value: string) => void;
  onReset: () => void;
  errors: Partial<Record<string, string>>;
  /** Controlled so the page can open it when one of its fields is wrong. */
  open: boolean;
  onToggle: (open: boolean) => void;
}

/**
 * Temperature, max tokens and top-p in a disclosure, prefilled with the
 * chosen model's defaults. A native <details>, so it opens from the keyboard
 * and announces its state without extra ARIA.
 */
export function AdvancedSettings({
  idPrefix,
  model,
  draft,
  onChange,
  onReset,
  errors,
  open,
  onToggle,
}: AdvancedSettingsProps) {
  const defaults = model?.defaults;
  const limit = maxTokensLimit(model);
  const changed =
    defaults !== undefined &&
    (draft.temperature !== String(defaults.temperature) ||
      draft.maxTokens !== String(defaults.maxTokens) ||
      draft.topP !== String(defaults.topP));
  const fields: {
    field: SamplingField;
    suffix: string;
    label: string;
    hint: string;
    inputMode: 'decimal' | 'numeric';
    min: number;
    max: number | undefined;
    step: number | 'any';
  }[] = [
    {
      field: 'temperature',
      suffix: 'temperature',
      label: 'Temperature',
      hint: `0–2. Lower is more predictable${defaults ? `; default ${defaults.temperature}` : ''}.`,
      inputMode: 'decimal',
      min: 0,
      max: 2,
      step: 'any',
    },
    {
      field: 'maxTokens',
      suffix: 'max-tokens',
      label: 'Max tokens',
      hint: `Longest answer${limit ? ` (up to ${limit})` : ''}${defaults ? `; default ${defaults.maxTokens}` : ''}.`,
      inputMode: 'numeric',
      min: 1,
      max: limit,
      step: 1,
    },
    {
      field: 'topP',
      suffix: 'top-p',
      label: 'Top-p',
      hint: `Above 0, at most 1${defaults ? `; default ${defaults.topP}` : ''}.`,
      inputMode: 'decimal',
      min: 0.01,
      max: 1,
      step: 'any',
    },
  ];
  return (
    <details
      className="advanced"
      open={open}
      onToggle={(event) => {
        onToggle(event.currentTarget.open);
      }}
    >
      <summary className="advanced__summary">
        Advanced settings
        {changed ? <span className="advanced__changed"> (changed)</span> : null}
      </summary>
      <div className="advanced__body">
        {fields.map(({ field, suffix, label, hint, ...input }) => (
          <FormField
            key={field}
            id={`${idPrefix}-${suffix}`}
            label={label}
            type="number"
            {...input}
            value={draft[field]}
            onChange={(event) => {
              onChange(field, event.target.value);
            }}
            error={errors[field]}
            hint={hint}
          />
        ))}
        <button
          type="button"
          className="btn btn--ghost btn--small advanced__reset"
          onClick={onReset}
          disabled={!changed}
        >
          Reset to model defaults
        </button>
      </div>
    </details>
  );
}
