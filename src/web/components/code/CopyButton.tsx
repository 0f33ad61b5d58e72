import { useEffect, useState } from 'react';
import { copyText } from './clipboard';

/** Props of a copy button. */
export interface CopyButtonProps {
  /** The text to copy; null disables the button. */
  text: string | null;
  /** Accessible name, starting with the visible "Copy" (e.g. "Copy Python code"). */
  label: string;
  className?: string;
}

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * A "Copy" button that says "Copied" for a moment. The outcome is also put in
 * a polite live region, since the button's own text change is not announced.
 */
export function CopyButton({ text, label, className = 'btn btn--ghost btn--small' }: CopyButtonProps) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') {
      return;
    }
    const timer = setTimeout(() => {
      setState('idle');
    }, 2000);
    return () => {
      clearTimeout(timer);
    };
  }, [state]);

  const onClick = async () => {
    if (text === null) {
      return;
    }
    setState((await copyText(text)) ? 'copied' : 'failed');
  };

  return (
    <>
      <button
        type="button"
        className={className}
        aria-label={label}
        disabled={text === null}
        onClick={() => void onClick()}
      >
        <svg className="btn__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          {state === 'copied' ? (
            <path d="m3 8.5 3 3 7-7" fill="none" stroke="currentColor" strokeWidth="1.8" />
          ) : (
            <path
              d="M5.5 5.5V3.25c0-.41.34-.75.75-.75h6.5c.41 0 .75.34.75.75v6.5c0 .41-.34.75-.75.75H10.5M3.25 5.5h6.5c.41 0 .75.34.75.75v6.5c0 .41-.34.75-.75.75h-6.5a.75.75 0 0 1-.75-.75v-6.5c0-.41.34-.75.75-.75Z"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.3"
            />
          )}
        </svg>
        {state === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span role="status" className="visually-hidden">
        {state === 'copied'
          ? 'Copied to the clipboard.'
          : state === 'failed'
            ? 'Could not copy. Select the code and press Ctrl+C.'
            : ''}
      </span>
    </>
  );
}
