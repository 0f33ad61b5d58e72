import { useEffect, useId, useState } from 'react';
import type { HistoryFilters as Filters } from '../../api/history.api';
import type { ModelListing } from '../../api/generation.api';
import { LANGUAGE_OPTIONS } from '../../generation/languages';
import { SelectField } from '../FormField';
import { countFilters, KIND_LABELS, STATUS_LABELS } from './history-format';
import './history.css';

/** How long typing must pause before the list is searched. */
const SEARCH_DELAY_MS = 300;

/** Props of the search box and filters. */
export interface HistoryFiltersProps {
  filters: Filters;
  /** Applies new filters (the page keeps them in the URL). */
  onChange: (filters: Filters) => void;
  models: readonly ModelListing[] | null;
  /** A message next to the "To" date (the API or the page found the range wrong). */
  dateError?: string | undefined;
}

/**
 * Search (as you type, after a short pause, or at once with Enter) and the
 * filters in a disclosure: open on wide screens or when a filter is set,
 * folded on phones so the list starts near the top.
 */
export function HistoryFilters({ filters, onChange, models, dateError }: HistoryFiltersProps) {
  const id = useId();
  const [text, setText] = useState(filters.q ?? '');
  const [seenQ, setSeenQ] = useState(filters.q ?? '');
  const [open, setOpen] = useState(
    () => countFilters(filters) > 0 || window.matchMedia('(min-width: 48rem)').matches,
  );
  const active = countFilters(filters);

  // The URL changed under the box (Back, "Clear filters"): show its search text,
  // unless it is what the box already says apart from spaces being typed.
  const urlQ = filters.q ?? '';
  if (urlQ !== seenQ) {
    setSeenQ(urlQ);
    if (text.trim() !== urlQ) {
      setText(urlQ);
    }
  }

  useEffect(() => {
    const wanted = text.trim();
    if (wanted === (filters.q ?? '')) {
      return;
    }
    const timer = setTimeout(() => {
      onChange(withValue(filters, 'q', wanted));
    }, SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [text, filters, onChange]);

  const set = (name: keyof Filters) => (event: { target: { value: string } }) => {
    onChange(withValue(filters, name, event.target.value));
  };

  return (
    <form
      role="search"
      aria-label="History"
      className="history-search"
      onSubmit={(event) => {
        event.preventDefault();
        onChange(withValue(filters, 'q', text.trim()));
      }}
    >
      <div className="field history-search__box">
        <label htmlFor={`${id}-q`} className="field__label">
          Search
        </label>
        <input
          id={`${id}-q`}
          type="search"
          className="field__input"
          value={text}
          maxLength={200}
          placeholder="Words from a prompt, code or answer"
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            setText(event.target.value);
          }}
        />
      </div>

      <details
        className="history-filters"
        open={open}
        onToggle={(event) => {
          setOpen(event.currentTarget.open);
        }}
      >
        <summary className="history-filters__summary">
          Filters
          {active > 0 ? <span className="history-filters__count"> ({active} on)</span> : null}
        </summary>
        <div className="history-filters__grid">
          <SelectField
            id={`${id}-model`}
            label="Model"
            value={filters.modelId ?? ''}
            onChange={set('modelId')}
          >
            <option value="">All models</option>
            {models?.map((model) => (
              <option key={model.id} value={model.id}>
                {model.name}
              </option>
            ))}
            {filters.modelId && !models?.some((m) => m.id === filters.modelId) ? (
              <option value={filters.modelId}>{filters.modelId}</option>
            ) : null}
          </SelectField>
          <SelectField id={`${id}-kind`} label="Kind" value={filters.kind ?? ''} onChange={set('kind')}>
            <option value="">All kinds</option>
            {Object.entries(KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <SelectField
            id={`${id}-language`}
            label="Language"
            value={filters.language ?? ''}
            onChange={set('language')}
          >
            <option value="">All languages</option>
            {LANGUAGE_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.value === 'any' ? 'Not specified' : option.label}
              </option>
            ))}
          </SelectField>
          <SelectField
            id={`${id}-status`}
            label="Status"
            value={filters.status ?? ''}
            onChange={set('status')}
          >
            <option value="">Any status</option>
            {Object.entries(STATUS_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <div className="field">
            <label htmlFor={`${id}-from`} className="field__label">
              From
            </label>
            <input
              id={`${id}-from`}
              type="date"
              className="field__input"
              value={filters.from ?? ''}
              max={filters.to}
              onChange={set('from')}
            />
          </div>
          <div className={dateError ? 'field field--invalid' : 'field'}>
            <label htmlFor={`${id}-to`} className="field__label">
              To
            </label>
            <input
              id={`${id}-to`}
              type="date"
              className="field__input"
              value={filters.to ?? ''}
              min={filters.from}
              onChange={set('to')}
              aria-invalid={dateError ? true : undefined}
              aria-describedby={dateError ? `${id}-to-error` : undefined}
            />
            {dateError ? (
              <p id={`${id}-to-error`} className="field__error">
                {dateError}
              </p>
            ) : null}
          </div>
        </div>
        {active > 0 ? (
          <button
            type="button"
            className="btn btn--ghost history-filters__clear"
            onClick={() => {
              onChange(filters.q ? { q: filters.q } : {});
            }}
          >
            Clear filters
          </button>
        ) : null}
      </details>
    </form>
  );
}

function withValue(filters: Filters, name: keyof Filters, value: string): Filters {
  const next: Record<string, string> = {};
  for (const [key, current] of Object.entries(filters)) {
    if (key !== name && typeof current === 'string') {
      next[key] = current;
    }
  }
  if (value !== '') {
    next[name] = value;
  }
  return next;
}
