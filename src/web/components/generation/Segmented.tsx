import './segmented.css';

/** Props of a segmented choice. */
export interface SegmentedProps<T extends string> {
  /** Radio group name, also the id prefix. */
  name: string;
  legend: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  disabled?: boolean;
}

/**
 * A few mutually exclusive options as one row of buttons. Native radio
 * inputs underneath: arrow keys move the choice and screen readers say
 * "2 of 3", with no ARIA to maintain.
 */
export function Segmented<T extends string>({
  name,
  legend,
  options,
  value,
  onChange,
  disabled,
}: SegmentedProps<T>) {
  return (
    <fieldset className="segmented" disabled={disabled}>
      <legend className="segmented__legend">{legend}</legend>
      <div className="segmented__options">
        {options.map((option) => {
          const id = `${name}-${option.value}`;
          return (
            <div key={option.value} className="segmented__option">
              <input
                type="radio"
                id={id}
                name={name}
                className="segmented__input"
                value={option.value}
                checked={option.value === value}
                onChange={() => {
                  onChange(option.value);
                }}
              />
              <label htmlFor={id} className="segmented__label">
                {option.label}
              </label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
