import type { KeyboardEvent } from 'react';
import { MAX_INPUT_CHARS } from '../../../shared/limits';

/** Ctrl+Enter, or Cmd+Enter on a Mac: the keyboard way to run from a text box. */
export function isSubmitShortcut(event: KeyboardEvent): boolean {
  return event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey;
}

/** The key that goes with Enter (and ]) on this device: ⌘ on Apple's, Ctrl elsewhere. */
export function modifierKey(userAgent: string): { symbol: string; name: string } {
  return /Mac|iPhone|iPad/.test(userAgent)
    ? { symbol: '⌘', name: 'Command' }
    : { symbol: 'Ctrl', name: 'Control' };
}

/** This browser's modifier key. */
export const MOD_KEY = modifierKey(typeof navigator === 'undefined' ? '' : navigator.userAgent);

/** The modifier key as a `<kbd>`. */
export function ModKey({ keys = MOD_KEY }: { keys?: { symbol: string } }) {
  return <kbd className="kbd">{keys.symbol}</kbd>;
}

/** What the code editor's keys do, read out with it (its aria-description). */
export function editorKeysDescription(action: string, keys = MOD_KEY): string {
  return `Press ${keys.name}+Enter to ${action}. Tab moves to the next control; ${keys.name}+] indents.`;
}

/** The code editor's keys under it: "⌘+Enter explains. Tab leaves the editor; ⌘+] indents." */
export function EditorShortcutHint({ does, keys = MOD_KEY }: { does: string; keys?: { symbol: string } }) {
  return (
    <p className="explain-form__hint shortcut-hint">
      <ModKey keys={keys} />+<kbd className="kbd">Enter</kbd> {does}. <kbd className="kbd">Tab</kbd> leaves
      the editor; <ModKey keys={keys} />+<kbd className="kbd">]</kbd> indents.
    </p>
  );
}

/** "Press Ctrl+Enter to generate." and, near the limit, how many characters are left. */
export function ShortcutHint({ action, length }: { action: string; length: number }) {
  const left = MAX_INPUT_CHARS - length;
  return (
    <>
      <span className="shortcut-hint">
        Press <ModKey />+<kbd className="kbd">Enter</kbd> to {action}.
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
