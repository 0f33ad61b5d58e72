import { Link } from 'react-router';
import type { HistoryRecord } from '../../api/history.api';
import { CopyButton } from '../code/CopyButton';
import { DownloadButton } from '../code/DownloadButton';
import './history-record.css';

/**
 * A record's buttons: Run again, Continue in Generate/Explain (its thread, for a
 * follow-up), Explain this (a generation with code), Copy, Download, Delete.
 */
export function RecordActions({
  record,
  canExplain,
  onRunAgain,
  onExplain,
  onDelete,
}: {
  record: HistoryRecord;
  canExplain: boolean;
  onRunAgain: () => void;
  onExplain: () => void;
  onDelete: () => void;
}) {
  const what = record.kind === 'explain' ? 'explanation' : 'answer';
  const fileName = `codegenie-${record.kind}-${record.createdAt.slice(0, 10)}.md`;
  const output = record.output === '' ? null : record.output;
  return (
    <div className="history-record__actions" role="group" aria-label="Actions">
      <button type="button" className="btn btn--primary" onClick={onRunAgain}>
        Run again
      </button>
      <Link
        className="btn btn--secondary"
        to={`${record.kind === 'explain' ? '/explain' : '/'}?thread=${encodeURIComponent(record.threadId)}`}
      >
        Continue in {record.kind === 'explain' ? 'Explain' : 'Generate'}
      </Link>
      {canExplain ? (
        <button type="button" className="btn btn--secondary" onClick={onExplain}>
          Explain this
        </button>
      ) : null}
      <CopyButton text={output} label={`Copy ${what}`} className="btn btn--secondary" />
      <DownloadButton
        text={output}
        fileName={fileName}
        label={`Download ${what} as ${fileName}`}
        className="btn btn--secondary"
      />
      <button type="button" className="btn btn--danger" onClick={onDelete}>
        Delete
      </button>
    </div>
  );
}
