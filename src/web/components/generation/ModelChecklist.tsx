import type { ModelListing } from '../../api/generation.api';
import { ModelStatus } from './ModelStatus';
import './model-checklist.css';

/** Props of the several-models picker. */
export interface ModelChecklistProps {
  models: readonly ModelListing[] | null;
  loadError: string | null;
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  min: number;
  max: number;
  disabled?: boolean;
  error?: string | undefined;
}

/**
 * Checkboxes for 2–5 models, each with its status (size, live download
 * progress, or why it cannot be used). Once the maximum is picked, the
 * others are disabled until one is unticked.
 */
export function ModelChecklist({
  models,
  loadError,
  selected,
  onChange,
  min,
  max,
  disabled,
  error,
}: ModelChecklistProps) {
  const full = selected.length >= max;
  return (
    <fieldset
      className={error ? 'checklist checklist--invalid' : 'checklist'}
      aria-describedby="compare-models-hint"
    >
      <legend className="checklist__legend">Models</legend>
      <p id="compare-models-hint" className="field__hint">
        Pick {min} to {max}. {selected.length} selected.
      </p>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      {models === null ? <p className="field__hint">{loadError ?? 'Loading models…'}</p> : null}
      <ul className="checklist__list">
        {models?.map((model) => {
          const checked = selected.includes(model.id);
          const id = `compare-model-${model.id}`;
          const blocked = model.status === 'unavailable' || (full && !checked);
          return (
            <li
              key={model.id}
              className={checked ? 'checklist__item checklist__item--checked' : 'checklist__item'}
            >
              <input
                type="checkbox"
                id={id}
                className="checklist__input"
                checked={checked}
                disabled={disabled === true || (blocked && !checked)}
                aria-describedby={`${id}-status`}
                onChange={(event) => {
                  onChange(
                    event.target.checked
                      ? [...selected, model.id]
                      : selected.filter((modelId) => modelId !== model.id),
                  );
                }}
              />
              <label htmlFor={id} className="checklist__label">
                {model.name}
              </label>
              <ModelStatus id={`${id}-status`} model={model} />
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
