import { newUuid } from '../generation/uuid';
import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { MAX_INPUT_CHARS } from '../../shared/limits';
import { tooLongMessage } from '../../shared/messages';
import type { Language, ModelListing } from '../api/generation.api';
import { useAuth } from '../auth/auth.context';
import { SelectField, TextAreaField } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import { CopyButton } from '../components/code/CopyButton';
import { AnswerBody } from '../components/generation/AnswerBody';
import { DiffView } from '../components/generation/DiffView';
import { LanguageSelect } from '../components/generation/LanguageSelect';
import { ModelChecklist } from '../components/generation/ModelChecklist';
import { RunBadge } from '../components/generation/RunBadge';
import { RunErrorAlert } from '../components/generation/RunErrorAlert';
import { RunStats } from '../components/generation/RunStats';
import { ShortcutHint, isSubmitShortcut } from '../components/generation/ShortcutHint';
import '../components/generation/generation.css';
import '../components/generation/compare.css';
import type { ExplainLocationState } from '../generation/explain-handoff';
import { codeOfAnswer, type ExtractedCode } from '../generation/extract-code';
import {
  isRunActive,
  startRun,
  useRunSnapshot,
  type GenerationRun,
  type RunSnapshot,
} from '../generation/generation-run';
import { toApiLanguage, toCodeLanguage } from '../generation/languages';
import { useModels } from '../generation/models.store';
import { createWorkspace } from '../generation/workspace';

const MIN_MODELS = 2;
const MAX_MODELS = 5;

/** One model's column: its run, and whether it answers with bare code. */
interface Column {
  modelId: string;
  name: string;
  asCode: boolean;
  run: GenerationRun;
}

interface CompareWorkspace {
  prompt: string;
  language: Language;
  selected: string[] | null;
  columns: Column[];
  view: 'answers' | 'diff';
  diffLeft: string | null;
  diffRight: string | null;
}

const workspace = createWorkspace<CompareWorkspace>(
  () => ({
    prompt: '',
    language: 'any',
    selected: null,
    columns: [],
    view: 'answers',
    diffLeft: null,
    diffRight: null,
  }),
  (values) => {
    for (const column of values.columns) {
      column.run.stop();
    }
  },
);

/** The first usable models, the default first: a sensible pair to start from. */
function initialSelection(models: readonly ModelListing[]): string[] {
  const usable = models.filter((m) => m.status !== 'unavailable');
  const ordered = [...usable.filter((m) => m.isDefault), ...usable.filter((m) => !m.isDefault)];
  return ordered.slice(0, MIN_MODELS).map((m) => m.id);
}

/**
 * One prompt to several models at once, a column each. Every column streams
 * on its own connection: a slow or failing model never holds up the others.
 */
export function ComparePage() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [saved] = useState(() => workspace.read(user?.id ?? ''));
  const [prompt, setPrompt] = useState(saved.prompt);
  const [language, setLanguage] = useState<Language>(saved.language);
  const [chosen, setChosen] = useState<string[] | null>(saved.selected);
  const [columns, setColumns] = useState<Column[]>(saved.columns);
  const [view, setView] = useState<'answers' | 'diff'>(saved.view);
  const [diffLeft, setDiffLeft] = useState<string | null>(saved.diffLeft);
  const [diffRight, setDiffRight] = useState<string | null>(saved.diffRight);
  const [errors, setErrors] = useState<{ prompt?: string; models?: string }>({});
  const promptRef = useRef<HTMLTextAreaElement>(null);

  const snapshots = useColumnSnapshots(columns);
  const anyActive = snapshots.some((s) => isRunActive(s));
  const waitingForModel = columns.some(
    (c, i) => isRunActive(snapshots[i] ?? null) && snapshots[i]?.firstTokenAt === null,
  );
  const { models, error: modelsError } = useModels(waitingForModel);

  const selected = (chosen ?? (models ? initialSelection(models) : [])).filter(
    (id) => !models || models.some((m) => m.id === id),
  );

  useEffect(() => {
    workspace.write({ prompt, language, selected: chosen, columns, view, diffLeft, diffRight });
  }, [prompt, language, chosen, columns, view, diffLeft, diffRight]);

  const submit = () => {
    if (anyActive) {
      return;
    }
    const text = prompt.trim();
    const problems: { prompt?: string; models?: string } = {};
    if (text === '') {
      problems.prompt = 'Describe the code you want.';
    } else if (text.length > MAX_INPUT_CHARS) {
      problems.prompt = tooLongMessage('prompt');
    }
    if (selected.length < MIN_MODELS || selected.length > MAX_MODELS) {
      problems.models = `Pick ${MIN_MODELS} to ${MAX_MODELS} models to compare.`;
    }
    setErrors(problems);
    if (problems.prompt) {
      promptRef.current?.focus();
      return;
    }
    if (problems.models) {
      return;
    }
    // One group: the columns count once against the per-user running limit.
    const groupId = newUuid();
    const next: Column[] = selected.map((modelId) => {
      const model = models?.find((m) => m.id === modelId);
      return {
        modelId,
        name: model?.name ?? modelId,
        asCode: model?.format === 'completion',
        run: startRun(
          { kind: 'generate', body: { prompt: text, language, modelId, groupId } },
          { retryWhenBusy: true },
        ),
      };
    });
    // When one column ends, a column waiting for a free slot (per-user limit) can start.
    for (const column of next) {
      let ended = false;
      column.run.subscribe(() => {
        if (!ended && !isRunActive(column.run.getSnapshot())) {
          ended = true;
          for (const other of next) {
            other.run.nudge();
          }
        }
      });
    }
    setColumns(next);
    setDiffLeft(next[0]?.modelId ?? null);
    setDiffRight(next[1]?.modelId ?? null);
  };

  const onPromptKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (isSubmitShortcut(event)) {
      event.preventDefault();
      submit();
    }
  };

  const explain = useCallback(
    (column: Column, snapshot: RunSnapshot, code: ExtractedCode) => {
      const state: ExplainLocationState = {
        code: code.code,
        language: code.language ? toApiLanguage(code.language) : language,
        modelId: column.modelId,
        source: `${column.name}’s answer`,
        ...(snapshot.id ? { generationId: snapshot.id } : {}),
      };
      void navigate('/explain', { state });
    },
    [language, navigate],
  );

  // Only the diff needs every column's code; the columns work theirs out themselves.
  const codes =
    view === 'diff'
      ? columns.map((column, i) => {
          const s = snapshots[i];
          return s ? codeOfAnswer(s.output, s.result, column.asCode) : null;
        })
      : [];
  const withCode = columns.filter((_, i) => codes[i] !== null);
  const leftIndex = columns.findIndex((c) => c.modelId === diffLeft);
  const rightIndex = columns.findIndex((c) => c.modelId === diffRight);
  const leftCode = codes[leftIndex] ?? null;
  const rightCode = codes[rightIndex] ?? null;
  const doneCount = snapshots.filter((s) => s && !isRunActive(s)).length;

  return (
    <div className="workbench">
      <PageHeading>Compare</PageHeading>
      <p className="workbench__lead">Send one prompt to several models and see their answers side by side.</p>

      <form
        className="card card--tight workbench__form form form--compact"
        // Checked in code, with messages next to the fields (a closed Advanced panel cannot show the browser's).
        noValidate
        aria-label="Compare models"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <div className="compare-form">
          <div className="compare-form__prompt">
            <TextAreaField
              id="compare-prompt"
              name="prompt"
              label="Describe the code you want"
              ref={promptRef}
              rows={5}
              value={prompt}
              onChange={(event) => {
                setPrompt(event.target.value);
                if (errors.prompt) {
                  setErrors({ ...errors, prompt: undefined });
                }
              }}
              onKeyDown={onPromptKeyDown}
              error={errors.prompt}
              hint={<ShortcutHint action="compare" length={prompt.length} />}
            />
            <LanguageSelect id="compare-language" value={language} onChange={setLanguage} />
          </div>
          <ModelChecklist
            models={models}
            loadError={modelsError}
            selected={selected}
            onChange={(next) => {
              setChosen(next);
              if (errors.models) {
                setErrors({ ...errors, models: undefined });
              }
            }}
            min={MIN_MODELS}
            max={MAX_MODELS}
            error={errors.models}
          />
        </div>
        <div className="form__actions">
          {anyActive ? (
            <button
              // Keys keep Stop and the submit button distinct elements: reusing one would turn the
              // Stop click into a submit once React swaps its type during the click.
              key="stop"
              type="button"
              className="btn btn--danger"
              onClick={() => {
                for (const column of columns) {
                  column.run.stop();
                }
              }}
            >
              <span className="btn__stop-icon" aria-hidden="true" />
              Stop all
            </button>
          ) : (
            <button key="submit" type="submit" className="btn btn--primary">
              {selected.length >= MIN_MODELS ? `Compare ${selected.length} models` : 'Compare'}
            </button>
          )}
        </div>
      </form>

      <section
        className="workbench__output compare"
        aria-labelledby="compare-results-heading"
        aria-busy={anyActive}
      >
        <div className="compare__header">
          <h2 id="compare-results-heading" className="answer__title">
            Answers
          </h2>
          {columns.length > 0 ? (
            <div className="view-switch" role="group" aria-label="View">
              <button
                type="button"
                className="view-switch__button"
                aria-pressed={view === 'answers'}
                onClick={() => {
                  setView('answers');
                }}
              >
                Side by side
              </button>
              <button
                type="button"
                className="view-switch__button"
                aria-pressed={view === 'diff'}
                onClick={() => {
                  setView('diff');
                }}
              >
                Diff
              </button>
            </div>
          ) : null}
        </div>
        <p role="status" className="visually-hidden">
          {columns.length === 0
            ? ''
            : anyActive
              ? `Comparing ${columns.length} models: ${doneCount} finished.`
              : `All ${columns.length} answers are in.`}
        </p>

        {columns.length === 0 ? (
          <div className="card card--tight answer__empty">
            <p>
              Each model gets its own column with its timings, Stop, Copy and Explain. A slow or failing model
              never holds up the others. Then use <strong>Diff</strong> to see how their code differs.
            </p>
          </div>
        ) : null}

        {columns.length > 0 && view === 'answers' ? (
          <div className="compare__columns" data-count={columns.length}>
            {columns.map((column) => (
              <CompareColumn
                key={column.modelId}
                column={column}
                model={models?.find((m) => m.id === column.modelId) ?? null}
                language={toCodeLanguage(language)}
                onExplain={explain}
              />
            ))}
          </div>
        ) : null}

        {columns.length > 0 && view === 'diff' ? (
          <div className="card card--tight compare__diff">
            <div className="form__row compare__diff-pickers">
              <SelectField
                id="diff-left"
                label="Left"
                value={diffLeft ?? ''}
                onChange={(event) => {
                  setDiffLeft(event.target.value);
                }}
              >
                {columns.map((column) => (
                  <option key={column.modelId} value={column.modelId}>
                    {column.name}
                  </option>
                ))}
              </SelectField>
              <SelectField
                id="diff-right"
                label="Right"
                value={diffRight ?? ''}
                onChange={(event) => {
                  setDiffRight(event.target.value);
                }}
              >
                {columns.map((column) => (
                  <option key={column.modelId} value={column.modelId}>
                    {column.name}
                  </option>
                ))}
              </SelectField>
            </div>
            {withCode.length < 2 ? (
              <p className="answer__empty">
                {anyActive
                  ? 'The diff appears once two answers contain code.'
                  : 'Fewer than two answers contain code.'}
              </p>
            ) : leftCode && rightCode && leftIndex !== rightIndex ? (
              <DiffView
                left={{ title: columns[leftIndex]?.name ?? 'Left', ...leftCode }}
                right={{ title: columns[rightIndex]?.name ?? 'Right', ...rightCode }}
              />
            ) : (
              <p className="answer__empty">
                {leftIndex === rightIndex
                  ? 'Pick two different answers.'
                  : 'One of these answers has no code.'}
              </p>
            )}
          </div>
        ) : null}
      </section>
    </div>
  );
}

/** Snapshots of every column's run, re-rendering when any changes. */
function useColumnSnapshots(columns: readonly Column[]): (RunSnapshot | null)[] {
  const [, setTick] = useState(0);
  useEffect(() => {
    const unsubscribe = columns.map((column) =>
      column.run.subscribe(() => {
        setTick((n) => n + 1);
      }),
    );
    return () => {
      for (const off of unsubscribe) {
        off();
      }
    };
  }, [columns]);
  return columns.map((column) => column.run.getSnapshot());
}

/** One model's answer; memoised so a token in one column does not re-render the others' Markdown. */
const CompareColumn = memo(function CompareColumn({
  column,
  model,
  language,
  onExplain,
}: {
  column: Column;
  model: ModelListing | null;
  language: ReturnType<typeof toCodeLanguage>;
  onExplain: (column: Column, snapshot: RunSnapshot, code: ExtractedCode) => void;
}) {
  const snapshot = useRunSnapshot(column.run);
  if (!snapshot) {
    return null;
  }
  const active = isRunActive(snapshot);
  const code = active ? null : codeOfAnswer(snapshot.output, snapshot.result, column.asCode);
  const headingId = `column-${column.modelId}`;
  return (
    <article className="card card--tight compare-column" aria-labelledby={headingId} aria-busy={active}>
      <header className="compare-column__header">
        <h3 id={headingId} className="compare-column__title">
          {column.name}
        </h3>
        <RunBadge status={snapshot.status} />
      </header>
      <RunStats run={snapshot} />
      {snapshot.status === 'failed' ? <RunErrorAlert error={snapshot.error} /> : null}
      <div className="compare-column__body">
        <AnswerBody run={snapshot} model={model} asCode={column.asCode} language={language} />
      </div>
      <footer className="compare-column__actions">
        {active ? (
          <button
            type="button"
            className="btn btn--danger btn--small"
            aria-label={`Stop ${column.name}`}
            onClick={() => {
              column.run.stop();
            }}
          >
            <span className="btn__stop-icon" aria-hidden="true" />
            Stop
          </button>
        ) : null}
        <CopyButton
          text={code?.code ?? null}
          label={`Copy ${column.name}’s code`}
          className="btn btn--secondary btn--small"
        />
        <button
          type="button"
          className="btn btn--secondary btn--small"
          aria-label={`Explain ${column.name}’s code`}
          disabled={!code || active}
          onClick={() => {
            if (code) {
              onExplain(column, snapshot, code);
            }
          }}
        >
          Explain
        </button>
      </footer>
    </article>
  );
});
