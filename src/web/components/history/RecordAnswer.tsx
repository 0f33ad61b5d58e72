import type { HistoryRecord } from '../../api/history.api';
import type { ModelListing } from '../../api/generation.api';
import { toCodeLanguage } from '../../generation/languages';
import { CodeBlock } from '../code/CodeBlock';
import { SectionsView } from '../generation/SectionsView';
import { Markdown } from '../markdown/Markdown';
import './history-record.css';

/**
 * A stored answer, rendered as the Generate and Explain pages render a live
 * one: Markdown (safely), one code block for completion models, or the
 * line-by-line view; with plain words for stopped, failed and empty runs.
 */
export function RecordAnswer({ record, model }: { record: HistoryRecord; model: ModelListing | null }) {
  const what = record.kind === 'explain' ? 'explanation' : 'answer';
  const language = toCodeLanguage(record.language);
  const empty = record.output.trim() === '';
  const asCode = record.kind === 'generate' && model?.format === 'completion';
  const sections = record.kind === 'explain' && record.sections && record.sections.length > 0;

  return (
    <div className="record-answer">
      {record.status === 'failed' ? (
        <div className="alert alert--error">
          <p>
            <strong>This request failed.</strong> {record.error?.message ?? 'The model did not finish.'}
          </p>
        </div>
      ) : null}
      {record.status === 'cancelled' ? (
        <p className="note">
          <strong>Stopped.</strong>{' '}
          {empty ? `No ${what} arrived before it was stopped.` : `This is the partial ${what}.`}
        </p>
      ) : null}
      {record.status === 'running' ? (
        <p className="note">
          <strong>Still running.</strong> This is the {what} so far; reload the page to see more.
        </p>
      ) : null}
      {empty && record.status === 'completed' ? (
        <p className="record-answer__empty">The model returned an empty {what}.</p>
      ) : null}
      {!empty && sections && record.sections ? (
        <SectionsView code={record.input} language={language} sections={record.sections} partial={false} />
      ) : null}
      {!empty && !sections && asCode ? (
        <CodeBlock code={record.code ?? record.output} language={language} />
      ) : null}
      {!empty && !sections && !asCode ? <Markdown text={record.output} defaultLanguage={language} /> : null}
    </div>
  );
}
