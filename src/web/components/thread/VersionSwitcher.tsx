/** "2 / 3" between Previous and Next version buttons. */
export function VersionSwitcher({
  index,
  count,
  onShow,
}: {
  /** The version shown, 0-based. */
  index: number;
  count: number;
  onShow: (index: number) => void;
}) {
  return (
    <div className="thread-versions" role="group" aria-label="Versions">
      <button
        type="button"
        className="btn btn--ghost thread-versions__arrow"
        aria-label="Previous version"
        disabled={index === 0}
        onClick={() => {
          onShow(index - 1);
        }}
      >
        <span aria-hidden="true">‹</span>
      </button>
      <span className="thread-versions__count">
        <span className="visually-hidden">Version </span>
        {index + 1} / {count}
      </span>
      <button
        type="button"
        className="btn btn--ghost thread-versions__arrow"
        aria-label="Next version"
        disabled={index === count - 1}
        onClick={() => {
          onShow(index + 1);
        }}
      >
        <span aria-hidden="true">›</span>
      </button>
    </div>
  );
}
