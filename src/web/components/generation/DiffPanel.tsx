import { SelectField } from '../FormField';
import { codeOfAnswer } from '../../generation/extract-code';
import type { RunSnapshot } from '../../stores/generation-run';
import type { CompareColumnRun } from '../../hooks/useCompareRuns';
import { DiffView } from './DiffView';
import './compare.css';
import './diff.css';

/** Compare's Diff view: two answers picked by model, their code side by side. */
export function DiffPanel({
  columns,
  snapshots,
  anyActive,
  left,
  right,
  onLeft,
  onRight,
}: {
  columns: readonly CompareColumnRun[];
  /** The columns' snapshots, in column order. */
  snapshots: readonly RunSnapshot[];
  anyActive: boolean;
  /** The model ids of the two sides. */
  left: string | null;
  right: string | null;
  onLeft: (modelId: string) => void;
  onRight: (modelId: string) => void;
}) {
  const codes = columns.map((column, i) => {
    const s = snapshots[i];
    return s ? codeOfAnswer(s.output, s.result, column.asCode) : null;
  });
  const withCode = codes.filter((code) => code !== null);
  const leftIndex = columns.findIndex((c) => c.modelId === left);
  const rightIndex = columns.findIndex((c) => c.modelId === right);
  const leftCode = codes[leftIndex] ?? null;
  const rightCode = codes[rightIndex] ?? null;

  const picker = (id: string, label: string, value: string | null, onChange: (modelId: string) => void) => (
    <SelectField
      id={id}
      label={label}
      value={value ?? ''}
      onChange={(event) => {
        onChange(event.target.value);
      }}
    >
      {columns.map((column) => (
        <option key={column.modelId} value={column.modelId}>
          {column.name}
        </option>
      ))}
    </SelectField>
  );

  return (
    <div className="card card--tight compare__diff">
      <div className="form__row compare__diff-pickers">
        {picker('diff-left', 'Left', left, onLeft)}
        {picker('diff-right', 'Right', right, onRight)}
      </div>
      {withCode.length < 2 ? (
        <p className="answer__empty">
          {anyActive
            ? 'The diff appears once two answers contain code.'
            : 'Fewer than two answers contain code.'}
        </p>
      ) : leftCode && rightCode && leftIndex !== rightIndex ? (
        <DiffView
          left={{ title: columns[leftIndex]?.name ?? 'Left', ...leftCode }}
          right={{ title: columns[rightIndex]?.name ?? 'Right', ...rightCode }}
        />
      ) : (
        <p className="answer__empty">
          {leftIndex === rightIndex ? 'Pick two different answers.' : 'One of these answers has no code.'}
        </p>
      )}
    </div>
  );
}

/** "Side by side" or "Diff". */
export function ViewSwitch({
  view,
  onChange,
}: {
  view: 'answers' | 'diff';
  onChange: (view: 'answers' | 'diff') => void;
}) {
  const button = (value: 'answers' | 'diff', label: string) => (
    <button
      type="button"
      className="view-switch__button"
      aria-pressed={view === value}
      onClick={() => {
        onChange(value);
      }}
    >
      {label}
    </button>
  );
  return (
    <div className="view-switch" role="group" aria-label="View">
      {button('answers', 'Side by side')}
      {button('diff', 'Diff')}
    </div>
  );
}
