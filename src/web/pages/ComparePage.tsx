import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Language, ModelListing } from '../api/generation.api';
import { useAuth } from '../auth/auth.context';
import { PageHeading } from '../components/PageHeading';
import { CompareColumn } from '../components/generation/CompareColumn';
import { DiffPanel, ViewSwitch } from '../components/generation/DiffPanel';
import { LanguageSelect } from '../components/generation/LanguageSelect';
import { ModelChecklist } from '../components/generation/ModelChecklist';
import { PromptField } from '../components/generation/PromptField';
import { RunActions } from '../components/generation/RunActions';
import { WorkbenchForm } from '../components/generation/Workbench';
import type { ExtractedCode } from '../generation/extract-code';
import { attachToRun, type RunSnapshot } from '../stores/generation-run';
import { EMPTY_PROMPT, inputProblem } from '../generation/input-check';
import { toApiLanguage, toCodeLanguage } from '../generation/languages';
import { useModels } from '../stores/models.store';
import { createWorkspace } from '../stores/workspace';
import { useCompareRuns, type CompareColumnRun } from '../hooks/useCompareRuns';
import { useExplainCode } from '../hooks/useHandoff';
import { useCompareThread } from '../hooks/useCompareThread';

const MIN_MODELS = 2;
const MAX_MODELS = 5;

interface CompareWorkspace {
  prompt: string;
  language: Language;
  selected: string[] | null;
  columns: CompareColumnRun[];
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
  {
    page: 'compare',
    draftOf: (values) => values.prompt,
    runsOf: (values) =>
      values.columns.map(({ run, modelId, name, asCode }) => ({ run, column: { modelId, name, asCode } })),
    restore: (memory, values) => {
      // Opened to show a stored Compare (/compare?thread=): that one is shown, not the runs remembered before.
      const reopening = new URLSearchParams(window.location.search).has('thread');
      const columns = (reopening ? [] : (memory.runs ?? [])).flatMap(
        ({ id, request, column }): CompareColumnRun[] =>
          column ? [{ ...column, run: attachToRun(id, request) }] : [],
      );
      return {
        prompt: memory.draft ?? values.prompt,
        ...(columns.length > 0
          ? {
              columns,
              language: columns[0]?.run.request.body.language ?? values.language,
              diffLeft: columns[0]?.modelId ?? null,
              diffRight: columns[1]?.modelId ?? null,
            }
          : {}),
      };
    },
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
  const explainCode = useExplainCode();
  const [saved] = useState(() => workspace.read(user?.id ?? ''));
  const [prompt, setPrompt] = useState(saved.prompt);
  const [language, setLanguage] = useState<Language>(saved.language);
  const [chosen, setChosen] = useState<string[] | null>(saved.selected);
  const [view, setView] = useState<'answers' | 'diff'>(saved.view);
  const [diffLeft, setDiffLeft] = useState<string | null>(saved.diffLeft);
  const [diffRight, setDiffRight] = useState<string | null>(saved.diffRight);
  const [errors, setErrors] = useState<{ prompt?: string; models?: string }>({});
  const promptRef = useRef<HTMLTextAreaElement>(null);

  // From History: /compare?thread=<id> shows that Compare's columns again, and not the last ones meanwhile.
  const [search, setSearch] = useSearchParams();
  const runs = useCompareRuns(search.has('thread') ? [] : saved.columns);
  const { columns, anyActive } = runs;
  const { models, error: modelsError } = useModels(runs.waitingForModel);

  const atHand = [...columns, ...saved.columns];
  const reopenProblem = useCompareThread(search.get('thread'), models, atHand, (stored) => {
    setPrompt(stored.prompt);
    setLanguage(stored.language);
    setChosen(stored.columns.map((c) => c.modelId));
    runs.show(stored.columns);
    setDiffLeft(stored.columns[0]?.modelId ?? null);
    setDiffRight(stored.columns[1]?.modelId ?? null);
  });

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
    const promptProblem = inputProblem(text, 'prompt', EMPTY_PROMPT);
    if (promptProblem) {
      problems.prompt = promptProblem;
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
    if (search.has('thread')) {
      setSearch({}, { replace: true });
    }
    const next = runs.start(
      text,
      language,
      selected.map((modelId) => {
        const model = models?.find((m) => m.id === modelId);
        return { modelId, name: model?.name ?? modelId, asCode: model?.format === 'completion' };
      }),
    );
    setDiffLeft(next[0]?.modelId ?? null);
    setDiffRight(next[1]?.modelId ?? null);
  };

  const explain = useCallback(
    (column: CompareColumnRun, snapshot: RunSnapshot, code: ExtractedCode) => {
      explainCode({
        code: code.code,
        language: code.language ? toApiLanguage(code.language) : language,
        modelId: column.modelId,
        source: `${column.name}’s answer`,
        ...(snapshot.id ? { generationId: snapshot.id } : {}),
      });
    },
    [language, explainCode],
  );

  return (
    <div className="workbench">
      <PageHeading>Compare</PageHeading>
      <p className="workbench__lead">Send one prompt to several models and see their answers side by side.</p>

      <WorkbenchForm label="Compare models" onSubmit={submit}>
        <div className="compare-form">
          <div className="compare-form__prompt">
            <PromptField
              id="compare-prompt"
              ref={promptRef}
              rows={5}
              value={prompt}
              onChange={(value) => {
                setPrompt(value);
                if (errors.prompt) {
                  setErrors({ ...errors, prompt: undefined });
                }
              }}
              onSubmit={submit}
              action="compare"
              error={errors.prompt}
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
        <RunActions
          active={anyActive}
          onStop={runs.stopAll}
          stopLabel="Stop all"
          submitLabel={selected.length >= MIN_MODELS ? `Compare ${selected.length} models` : 'Compare'}
        />
      </WorkbenchForm>

      <section
        className="workbench__output compare"
        aria-labelledby="compare-results-heading"
        aria-busy={anyActive}
      >
        <div className="compare__header">
          <h2 id="compare-results-heading" className="answer__title">
            Answers
          </h2>
          {columns.length > 0 ? <ViewSwitch view={view} onChange={setView} /> : null}
        </div>
        <p role="status" className="visually-hidden">
          {columns.length === 0
            ? ''
            : anyActive
              ? `Comparing ${columns.length} models: ${runs.doneCount} finished.`
              : `All ${columns.length} answers are in.`}
        </p>
        {reopenProblem ? (
          <div role="alert" className="alert alert--error">
            <p>{reopenProblem}</p>
          </div>
        ) : null}

        {columns.length === 0 ? (
          // A stored Compare being opened: its columns come next, not the page's introduction.
          search.has('thread') ? null : (
            <div className="card card--tight answer__empty">
              <p>
                Each model gets its own column with its timings, Stop, Copy and Explain. A slow or failing
                model never holds up the others. Then use <strong>Diff</strong> to see how their code differs.
              </p>
            </div>
          )
        ) : view === 'answers' ? (
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
        ) : (
          <DiffPanel
            columns={columns}
            snapshots={runs.snapshots}
            anyActive={anyActive}
            left={diffLeft}
            right={diffRight}
            onLeft={setDiffLeft}
            onRight={setDiffRight}
          />
        )}
      </section>
    </div>
  );
}
