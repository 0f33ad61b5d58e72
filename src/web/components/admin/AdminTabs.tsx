import { useRef, type KeyboardEvent } from 'react';
import './admin.css';

/** One tab: its id (also in the panel's id) and its label. */
export interface AdminTab<T extends string> {
  id: T;
  label: string;
}

/**
 * The WAI-ARIA tabs pattern: one tab stop for the list, arrow keys, Home and
 * End move between tabs and select them; each panel is labelled by its tab
 * (`admin-tab-<id>` and `admin-panel-<id>`).
 */
export function AdminTabs<T extends string>({
  tabs,
  selected,
  onSelect,
}: {
  tabs: readonly AdminTab<T>[];
  selected: T;
  onSelect: (id: T) => void;
}) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const move = (event: KeyboardEvent, index: number) => {
    const last = tabs.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (index + last) % tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : undefined;
    const tab = next === undefined ? undefined : tabs[next];
    if (tab) {
      event.preventDefault();
      onSelect(tab.id);
      refs.current.get(tab.id)?.focus();
    }
  };
  return (
    <div role="tablist" aria-label="Administration" className="admin-tabs">
      {tabs.map((tab, index) => (
        <button
          key={tab.id}
          ref={(element) => {
            if (element) {
              refs.current.set(tab.id, element);
            }
          }}
          type="button"
          role="tab"
          id={`admin-tab-${tab.id}`}
          aria-controls={`admin-panel-${tab.id}`}
          aria-selected={tab.id === selected}
          tabIndex={tab.id === selected ? 0 : -1}
          className="admin-tabs__tab"
          onClick={() => {
            onSelect(tab.id);
          }}
          onKeyDown={(event) => {
            move(event, index);
          }}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
