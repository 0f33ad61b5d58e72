import type { HistoryKind, HistoryStatus } from '../../api/history.api';
import { KIND_LABELS, STATUS_LABELS } from './history-format';
import './tags.css';

/** A record's kind (or a thread's: a Compare) and status as tags. */
export function RecordTags({
  kind,
  status,
  className,
}: {
  kind: HistoryKind | 'compare';
  status: HistoryStatus;
  className: string;
}) {
  return (
    <div className={className}>
      <span className={`tag tag--${kind}`}>{kind === 'compare' ? 'Compare' : KIND_LABELS[kind]}</span>
      <span className={`status-tag status-tag--${status}`}>
        <span className="visually-hidden">Status: </span>
        {STATUS_LABELS[status]}
      </span>
    </div>
  );
}
