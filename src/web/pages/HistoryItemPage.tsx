import type { ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/api-client';
import { deleteHistoryRecord, fetchHistoryRecord, type HistoryRecord } from '../api/history.api';
import { PageHeading } from '../components/PageHeading';
import { CodeBlock } from '../components/code/CodeBlock';
import { ConfirmDialog } from '../components/history/ConfirmDialog';
import { LoadedEntry } from '../components/history/LoadedEntry';
import { RecordActions } from '../components/history/RecordActions';
import { RecordAnswer } from '../components/history/RecordAnswer';
import { RecordParams, RecordStats } from '../components/history/RecordDetails';
import { forgetListItem, setListNotice } from '../components/history/history-cache';
import { RecordTags } from '../components/history/RecordTags';
import { formatDateTime, KIND_LABELS, languageName, modelName } from '../components/history/history-format';
import { explainRecordCode, runAgainTarget } from '../components/history/record-handoff';
import { codeOfAnswer } from '../generation/extract-code';
import { toCodeLanguage } from '../generation/languages';
import { useModels } from '../stores/models.store';
import { useConfirm } from '../hooks/useConfirm';
import { useExplainCode } from '../hooks/useHandoff';

/** One history record: what was asked, with which settings, the answer, and what to do with it. */
export function HistoryItemPage() {
  const { id = '' } = useParams();
  const { models } = useModels();
  return (
    <LoadedEntry id={id} load={fetchHistoryRecord} words={{ title: 'History item', noun: 'item' }}>
      {(record, { backLink, backToList }) => (
        <RecordView record={record} backLink={backLink} onDeleted={backToList} models={models} />
      )}
    </LoadedEntry>
  );
}

/** A loaded record. */
function RecordView({
  record,
  backLink,
  onDeleted,
  models,
}: {
  record: HistoryRecord;
  backLink: ReactNode;
  onDeleted: () => void;
  models: ReturnType<typeof useModels>['models'];
}) {
  const navigate = useNavigate();
  const explainCode = useExplainCode();
  const remove = useConfirm(async () => {
    try {
      await deleteHistoryRecord(record.id);
    } catch (error) {
      // Already gone (another tab): the goal is reached.
      if (!(error instanceof ApiError && error.status === 404)) {
        throw error;
      }
    }
    forgetListItem(record.id);
    setListNotice(`Deleted “${shorten(record.title, 60) || 'the item'}” from your history.`);
    onDeleted();
  });

  const model = models?.find((m) => m.id === record.modelId) ?? null;
  const what = record.kind === 'explain' ? 'explanation' : 'answer';
  const code =
    record.kind === 'generate'
      ? codeOfAnswer(
          record.output,
          record.code ? { code: record.code, language: record.language } : null,
          model?.format === 'completion',
        )
      : null;

  return (
    <div className="history-record">
      {backLink}
      <PageHeading>{record.title || `${KIND_LABELS[record.kind]} request`}</PageHeading>
      <RecordTags kind={record.kind} status={record.status} className="history-record__tags" />
      <dl className="record-facts">
        <div>
          <dt>Model</dt>
          <dd>{modelName(models, record.modelId)}</dd>
        </div>
        <div>
          <dt>Language</dt>
          <dd>{languageName(record.language)}</dd>
        </div>
        <div>
          <dt>When</dt>
          <dd>
            <time dateTime={record.createdAt}>{formatDateTime(record.createdAt)}</time>
          </dd>
        </div>
      </dl>

      <RecordActions
        record={record}
        canExplain={code !== null}
        onRunAgain={() => {
          const target = runAgainTarget(record);
          void navigate(target.path, { state: target.state });
        }}
        onExplain={() => {
          if (code) {
            explainCode(explainRecordCode(record, code));
          }
        }}
        onDelete={remove.ask}
      />

      <div className="history-record__layout">
        <section
          className="card card--tight history-record__request"
          aria-labelledby="record-request-heading"
        >
          <h2 id="record-request-heading" className="history-record__heading">
            {record.kind === 'explain' ? 'Code' : 'Prompt'}
          </h2>
          {record.kind === 'explain' ? (
            <CodeBlock code={record.input} language={toCodeLanguage(record.language)} />
          ) : (
            <p className="history-record__prompt">{record.input}</p>
          )}
          <h3 className="history-record__subheading">Settings</h3>
          <RecordParams params={record.params} />
        </section>

        <section className="card card--tight history-record__answer" aria-labelledby="record-answer-heading">
          <h2 id="record-answer-heading" className="history-record__heading">
            {record.kind === 'explain' ? 'Explanation' : 'Answer'}
          </h2>
          <RecordStats record={record} />
          <RecordAnswer record={record} model={model} />
        </section>
      </div>

      <ConfirmDialog {...remove.dialog} title="Delete this item?" confirmLabel="Delete">
        <p>
          “{shorten(record.title, 80) || 'This item'}” and its {what} will be deleted from your history. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
