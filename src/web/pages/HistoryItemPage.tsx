import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { MESSAGES } from '../../shared/messages';
import { ApiError } from '../api/api-client';
import type { Language } from '../api/generation.api';
import { deleteHistoryRecord, fetchHistoryRecord, type HistoryRecord } from '../api/history.api';
import { PageHeading } from '../components/PageHeading';
import { CopyButton } from '../components/code/CopyButton';
import { downloadText } from '../components/code/clipboard';
import { CodeBlock } from '../components/code/CodeBlock';
import { ConfirmDialog } from '../components/history/ConfirmDialog';
import { RecordAnswer } from '../components/history/RecordAnswer';
import { RecordParams, RecordStats } from '../components/history/RecordDetails';
import { forgetListItem, setListNotice } from '../components/history/history-cache';
import {
  formatDateTime,
  KIND_LABELS,
  languageName,
  modelName,
  STATUS_LABELS,
} from '../components/history/history-format';
import '../components/history/history.css';
import type { ExplainLocationState } from '../generation/explain-handoff';
import { codeOfAnswer } from '../generation/extract-code';
import { settingsFromParams, type GenerateLocationState } from '../generation/generate-handoff';
import { LANGUAGE_OPTIONS, toApiLanguage, toCodeLanguage } from '../generation/languages';
import { useModels } from '../generation/models.store';

type Loaded =
  | { status: 'loading' }
  | { status: 'notFound' }
  | { status: 'error'; message: string }
  | { status: 'ready'; record: HistoryRecord };

/** One history record: what was asked, with which settings, the answer, and what to do with it. */
export function HistoryItemPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const { models } = useModels();
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  // Opened from the list: Back returns to it (same pages, same place) instead of a fresh list.
  const fromList = isFromList(location.state);

  useEffect(() => {
    const controller = new AbortController();
    fetchHistoryRecord(id, controller.signal).then(
      (record) => {
        setLoaded({ status: 'ready', record });
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        if (error instanceof ApiError && error.status === 404) {
          setLoaded({ status: 'notFound' });
          return;
        }
        setLoaded({
          status: 'error',
          message: error instanceof ApiError ? error.message : MESSAGES.internal,
        });
      },
    );
    return () => {
      controller.abort();
    };
  }, [id, attempt]);

  const backToList = () => {
    if (fromList) {
      void navigate(-1);
    } else {
      void navigate('/history', { replace: true });
    }
  };

  const remove = async (record: HistoryRecord) => {
    setDeleting(true);
    setDeleteError(null);
    try {
      await deleteHistoryRecord(record.id);
    } catch (error) {
      // Already gone (another tab): the goal is reached.
      if (!(error instanceof ApiError && error.status === 404)) {
        setDeleteError(error instanceof ApiError ? error.message : MESSAGES.internal);
        setDeleting(false);
        return;
      }
    }
    forgetListItem(record.id);
    setListNotice(`Deleted “${shorten(record.title, 60) || 'the item'}” from your history.`);
    backToList();
  };

  const backLink = (
    <p className="history-record__back">
      <Link
        to="/history"
        onClick={(event) => {
          if (fromList) {
            event.preventDefault();
            void navigate(-1);
          }
        }}
      >
        <span aria-hidden="true">← </span>Back to history
      </Link>
    </p>
  );

  switch (loaded.status) {
    case 'loading':
      return (
        <div className="history-record">
          {backLink}
          <PageHeading>History item</PageHeading>
          <p role="status" className="history-record__loading">
            <span className="spinner spinner--inline" aria-hidden="true" />
            Loading…
          </p>
        </div>
      );
    case 'notFound':
      return (
        <div className="history-record">
          {backLink}
          <PageHeading>Item not found</PageHeading>
          <p>This item is not in your history. It may have been deleted.</p>
        </div>
      );
    case 'error':
      return (
        <div className="history-record">
          {backLink}
          <PageHeading>History item</PageHeading>
          <div role="alert" className="alert alert--error">
            <p>This item could not be loaded. {loaded.message}</p>
          </div>
          <button
            type="button"
            className="btn btn--secondary"
            onClick={() => {
              setLoaded({ status: 'loading' });
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        </div>
      );
    case 'ready':
      break;
    default: {
      const unreachable: never = loaded;
      return unreachable;
    }
  }

  const { record } = loaded;
  const model = models?.find((m) => m.id === record.modelId) ?? null;
  const language = apiLanguage(record.language);
  const codeLanguage = toCodeLanguage(record.language);
  const what = record.kind === 'explain' ? 'explanation' : 'answer';
  const code =
    record.kind === 'generate'
      ? codeOfAnswer(
          record.output,
          record.code ? { code: record.code, language: record.language } : null,
          model?.format === 'completion',
        )
      : null;

  const runAgain = () => {
    if (record.kind === 'explain') {
      const state: ExplainLocationState = {
        code: record.input,
        source: 'your history',
        modelId: record.modelId,
        ...(language ? { language } : {}),
        ...(record.generationId ? { generationId: record.generationId } : {}),
      };
      void navigate('/explain', { state });
      return;
    }
    const settings = settingsFromParams(record.params);
    const state: GenerateLocationState = {
      prompt: record.input,
      source: 'your history',
      modelId: record.modelId,
      ...(language ? { language } : {}),
      ...(settings ? { settings } : {}),
    };
    void navigate('/', { state });
  };

  const explainThis = () => {
    if (!code) {
      return;
    }
    const state: ExplainLocationState = {
      code: code.code,
      language: code.language ? toApiLanguage(code.language) : (language ?? 'any'),
      source: 'your history',
      generationId: record.id,
      modelId: record.modelId,
    };
    void navigate('/explain', { state });
  };

  const fileName = `codegenie-${record.kind}-${record.createdAt.slice(0, 10)}.md`;

  return (
    <div className="history-record">
      {backLink}
      <PageHeading>{record.title || `${KIND_LABELS[record.kind]} request`}</PageHeading>
      <div className="history-record__tags">
        <span className={`tag tag--${record.kind}`}>{KIND_LABELS[record.kind]}</span>
        <span className={`status-tag status-tag--${record.status}`}>
          <span className="visually-hidden">Status: </span>
          {STATUS_LABELS[record.status]}
        </span>
      </div>
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

      <div className="history-record__actions" role="group" aria-label="Actions">
        <button type="button" className="btn btn--primary" onClick={runAgain}>
          Run again
        </button>
        {code ? (
          <button type="button" className="btn btn--secondary" onClick={explainThis}>
            Explain this
          </button>
        ) : null}
        <CopyButton
          text={record.output === '' ? null : record.output}
          label={`Copy ${what}`}
          className="btn btn--secondary"
        />
        <button
          type="button"
          className="btn btn--secondary"
          aria-label={`Download ${what} as ${fileName}`}
          disabled={record.output === ''}
          onClick={() => {
            downloadText(fileName, record.output.endsWith('\n') ? record.output : `${record.output}\n`);
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
        <button
          type="button"
          className="btn btn--danger"
          onClick={() => {
            setDeleteError(null);
            setConfirming(true);
          }}
        >
          Delete
        </button>
      </div>

      <div className="history-record__layout">
        <section
          className="card card--tight history-record__request"
          aria-labelledby="record-request-heading"
        >
          <h2 id="record-request-heading" className="history-record__heading">
            {record.kind === 'explain' ? 'Code' : 'Prompt'}
          </h2>
          {record.kind === 'explain' ? (
            <CodeBlock code={record.input} language={codeLanguage} />
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

      <ConfirmDialog
        open={confirming}
        title="Delete this item?"
        confirmLabel="Delete"
        busy={deleting}
        error={deleteError}
        onConfirm={() => void remove(record)}
        onCancel={() => {
          setConfirming(false);
        }}
      >
        <p>
          “{shorten(record.title, 80) || 'This item'}” and its {what} will be deleted from your history. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function isFromList(state: unknown): boolean {
  return (
    typeof state === 'object' && state !== null && (state as Record<string, unknown>)['fromList'] === true
  );
}

function apiLanguage(value: string): Language | undefined {
  return LANGUAGE_OPTIONS.find((option) => option.value === value)?.value;
}

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
