import { downloadText } from './clipboard';

/** A "Download" button saving `text` (ending in a newline) as `fileName`; null text disables it. */
export function DownloadButton({
  text,
  fileName,
  label,
  className = 'btn btn--ghost btn--small',
  showFileName = false,
}: {
  text: string | null;
  fileName: string;
  /** Accessible name, starting with the visible "Download". */
  label: string;
  className?: string;
  /** The file name as a tooltip. */
  showFileName?: boolean;
}) {
  return (
    <button
      type="button"
      className={className}
      aria-label={label}
      title={showFileName ? fileName : undefined}
      disabled={text === null}
      onClick={() => {
        if (text !== null) {
          downloadText(fileName, text.endsWith('\n') ? text : `${text}\n`);
        }
      }}
    >
      <svg className="btn__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <path
          d="M8 2.5v7.25m0 0L5 6.75m3 3 3-3M3 11.5v1.25c0 .41.34.75.75.75h8.5c.41 0 .75-.34.75-.75V11.5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.4"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      Download
    </button>
  );
}
