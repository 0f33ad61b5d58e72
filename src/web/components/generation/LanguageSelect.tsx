import type { Language } from '../../api/generation.api';
import { LANGUAGE_OPTIONS } from '../../generation/languages';
import { SelectField } from '../FormField';

/** The language picker (Python … Bash, or any). */
export function LanguageSelect({
  id,
  value,
  onChange,
  label = 'Language',
  anyLabel,
  disabled,
}: {
  id: string;
  value: Language;
  onChange: (language: Language) => void;
  label?: string;
  /** Wording of the `any` option (e.g. "Detect automatically" for code to explain). */
  anyLabel?: string;
  disabled?: boolean;
}) {
  return (
    <SelectField
      id={id}
      label={label}
      value={value}
      disabled={disabled}
      onChange={(event) => {
        const next = LANGUAGE_OPTIONS.find((o) => o.value === event.target.value);
        if (next) {
          onChange(next.value);
        }
      }}
    >
      {LANGUAGE_OPTIONS.map((option) => (
        <option key={option.value} value={option.value}>
          {option.value === 'any' && anyLabel ? anyLabel : option.label}
        </option>
      ))}
    </SelectField>
  );
}
