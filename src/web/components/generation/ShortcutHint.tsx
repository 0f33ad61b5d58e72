import type { KeyboardEvent } from 'react';
import { MAX_INPUT_CHARS } from '../../../shared/limits';

/** Ctrl+Enter, or Cmd+Enter on a Mac: the keyboard way to run from a text box. */
export function isSubmitShortcut(event: KeyboardEvent): boolean {
  return event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey;
}

const onMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);

/** "Press Ctrl+Enter to generate." and, near the limit, how many characters are left. */
export function ShortcutHint({ action, length }: { action: string; length: number }) {
  const left = MAX_INPUT_CHARS - length;
  return (
    <>
      <span className="shortcut-hint">
        Press <kbd className="kbd">{onMac ? '⌘' : 'Ctrl'}</kbd>+<kbd className="kbd">Enter</kbd> to {action}.
      </span>
      {left < 2000 ? (
        <span className={left < 0 ? 'hint-over' : undefined}>
          {' '}
          {left >= 0
            ? `${left.toLocaleString('en-US')} characters left.`
            : `${(-left).toLocaleString('en-US')} characters over the limit.`}
        </span>
      ) : null}
    </>
  );
}
