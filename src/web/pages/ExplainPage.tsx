import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { useLocation } from 'react-router';
import { MAX_INPUT_CHARS } from '../../shared/limits';
import { tooLongMessage } from '../../shared/messages';
import type { ExplainFormat, ExplainLevel, ExplainRequest, Language } from '../api/generation.api';
import { useAuth } from '../auth/auth.context';
import { PageHeading } from '../components/PageHeading';
import { CodeEditor } from '../components/code/CodeEditor';
import { detectLanguage } from '../components/code/highlight';
import { AnswerBody } from '../components/generation/AnswerBody';
import { LanguageSelect } from '../components/generation/LanguageSelect';
import { ModelPicker } from '../components/generation/ModelPicker';
import { RunBadge, announcement } from '../components/generation/RunBadge';
import { RunErrorAlert } from '../components/generation/RunErrorAlert';
import { RunStats } from '../components/generation/RunStats';
import { Segmented } from '../components/generation/Segmented';
import { SectionsView } from '../components/generation/SectionsView';
import '../components/generation/generation.css';
import '../components/generation/explain.css';
import { readExplainState } from '../generation/explain-handoff';
import { isRunActive, startRun, useRunSnapshot, type GenerationRun } from '../generation/generation-run';
import { languageLabel, toCodeLanguage } from '../generation/languages';
import {
  cannotDoReason,
  listedFor,
  refreshModels,
  resolveModel,
  useModels,
} from '../generation/models.store';
import { completedSections } from '../generation/sections';
import { createWorkspace, readPreferences, savePreferences } from '../generation/workspace';

const LEVELS: readonly { value: ExplainLevel; label: string }[] = [
  { value: 'beginner', label: 'Beginner' },
  { value: 'intermediate', label: 'Intermediate' },
  { value: 'expert', label: 'Expert' },
];

const FORMATS: readonly { value: ExplainFormat; label: string }[] = [
  { value: 'overview', label: 'Overview' },
  { value: 'line-by-line', label: 'Line by line' },
];

interface ExplainWorkspace {
  code: string;
  language: Language;
  level: ExplainLevel;
  format: ExplainFormat;
  modelId: string | null;
  /**
   * Whether the user chose `modelId` here. A model handed over with the code
   * (the one that wrote it) is used only if it can explain.
   */
  modelPicked: boolean;
  /** The generation the code came from, while it is linked. */
  generationId: string | null;
  /** Where the handed-over code came from ("your generation"). */
  source: string | null;
  /** The router entry whose handed-over code was already taken (Back must not overwrite edits). */
  handoffKey: string | null;
  run: GenerationRun | null;
}

const workspace = createWorkspace<ExplainWorkspace>(
  () => ({
    code: '',
    language: 'any',
    level: 'intermediate',
    format: 'overview',
    modelId: null,
    modelPicked: false,
    generationId: null,
    source: null,
    handoffKey: null,
    run: null,
  }),
  (values) => {
    values.run?.stop();
  },
);

/** Paste code (or arrive with it from Generate) and get it explained, as an overview or line by line. */
export function ExplainPage() {
  const { user } = useAuth();
  const location = useLocation();
  const [saved] = useState(() => {
    const values = workspace.read(user?.id ?? '');
    const handoff = readExplainState(location.state);
    if (!handoff || values.handoffKey === location.key) {
      return values;
    }
    return {
      ...values,
      code: handoff.code,
      language: handoff.language ?? values.language,
      ...(handoff.modelId ? { modelId: handoff.modelId, modelPicked: false } : {}),
      generationId: handoff.generationId ?? null,
      source: handoff.source ?? null,
      handoffKey: location.key,
    };
  });
  const [preferences] = useState(readPreferences);

  const [code, setCode] = useState(saved.code);
  const [language, setLanguage] = useState<Language>(saved.language);
  const [level, setLevel] = useState<ExplainLevel>(saved.level);
  const [format, setFormat] = useState<ExplainFormat>(saved.format);
  const [chosenModel, setChosenModel] = useState<string | null>(saved.modelId);
  const [modelPicked, setModelPicked] = useState(saved.modelPicked);
  const [generationId, setGenerationId] = useState<string | null>(saved.generationId);
  const [source, setSource] = useState<string | null>(saved.source);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [run, setRun] = useState<GenerationRun | null>(saved.run);

  const snapshot = useRunSnapshot(run);
  const active = isRunActive(snapshot);
  const { models, error: modelsError } = useModels(active && snapshot?.firstTokenAt === null);

  // Never a code-completion model unless the user picks one here (it is listed, unavailable, with the reason).
  const modelId = resolveModel(
    models,
    { id: chosenModel, picked: modelPicked },
    preferences.modelId ?? null,
    'explain',
  );
  const listing = models?.find((m) => m.id === modelId);
  const model = listing ? listedFor(listing, 'explain') : null;
  const cannotExplain = listing !== undefined && cannotDoReason(listing, 'explain') !== null;
  const runModel = models?.find((m) => m.id === (snapshot?.modelId ?? modelId)) ?? null;

  useEffect(() => {
    workspace.write({
      code,
      language,
      level,
      format,
      modelId: chosenModel,
      modelPicked,
      generationId,
      source,
      handoffKey: saved.handoffKey,
      run,
    });
  }, [code, language, level, format, chosenModel, modelPicked, generationId, source, saved.handoffKey, run]);

  const failure = snapshot?.status === 'failed' ? snapshot.error : null;
  useEffect(() => {
    if (
      failure?.code === 'model_not_found' ||
      failure?.code === 'model_unavailable' ||
      failure?.code === 'model_cannot_explain'
    ) {
      void refreshModels();
    }
  }, [failure]);

  const submit = useCallback(() => {
    if (isRunActive(run?.getSnapshot() ?? null)) {
      return;
    }
    if (cannotExplain) {
      // Ctrl+Enter in the editor: the picker's description says why, and another model is one key away.
      document.getElementById('explain-model')?.focus();
      return;
    }
    if (code.trim() === '') {
      setCodeError('Paste some code to explain.');
      return;
    }
    if (code.length > MAX_INPUT_CHARS) {
      setCodeError(tooLongMessage('code'));
      return;
    }
    setCodeError(null);
    const body: ExplainRequest = {
      // Trailing blank lines would only become a section of their own.
      code: code.replace(/\s+$/, ''),
      language,
      level,
      format,
      ...(modelId ? { modelId } : {}),
      ...(generationId ? { generationId } : {}),
    };
    setRun(startRun({ kind: 'explain', body }));
    savePreferences(modelId ? { modelId } : {});
  }, [run, cannotExplain, code, language, level, format, modelId, generationId]);

  const onCodeChange = useCallback((value: string) => {
    setCode(value);
    setCodeError(null);
  }, []);

  // With "Detect automatically", the editor still highlights what the code looks like.
  const deferredCode = useDeferredValue(code);
  const detected = useMemo(
    () => (language === 'any' ? detectLanguage(deferredCode) : null),
    [language, deferredCode],
  );
  const editorLanguage = language === 'any' ? detected : toCodeLanguage(language);

  const unavailable = model?.status === 'unavailable';
  const fieldError = codeError ?? failure?.fields['code'] ?? null;
  const linkError = failure?.fields['generationId'];

  return (
    <div className="workbench">
      <PageHeading>Explain</PageHeading>
      <p className="workbench__lead">
        Paste a piece of code and get it explained, as an overview or line by line.
      </p>

      <form
        className="card card--tight workbench__form form form--compact"
        // Checked in code, with messages next to the fields (a closed Advanced panel cannot show the browser's).
        noValidate
        aria-label="Explain code"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        {source && generationId ? (
          <div className="alert alert--info handoff">
            <p>
              Code from {source}. The explanation will be linked to it in your history. Pick a level and a
              format, then press Explain.
            </p>
            <button
              type="button"
              className="btn btn--ghost btn--small"
              onClick={() => {
                setGenerationId(null);
                setSource(null);
              }}
            >
              Unlink
            </button>
          </div>
        ) : null}

        <div className="form__row">
          <ModelPicker
            id="explain-model"
            models={models}
            loadError={modelsError}
            value={modelId}
            onChange={(id) => {
              setChosenModel(id);
              setModelPicked(true);
            }}
            task="explain"
          />
          <LanguageSelect
            id="explain-language"
            label="Language of the code"
            anyLabel={detected ? `Detect automatically (${languageLabel(detected)})` : 'Detect automatically'}
            value={language}
            onChange={setLanguage}
          />
        </div>

        <div className={fieldError ? 'explain-form__code field--invalid' : 'explain-form__code'}>
          {/* The editor carries the same words as its accessible name: read once, not twice. */}
          <span className="explain-form__label" aria-hidden="true">
            Code to explain
          </span>
          <CodeEditor
            label="Code to explain"
            description="Press Control+Enter to explain. Tab moves to the next control; Control+] indents."
            value={code}
            onChange={onCodeChange}
            language={editorLanguage}
            onSubmit={submit}
          />
          {fieldError ? (
            <p className="field__error" role="alert">
              {fieldError}
            </p>
          ) : null}
          <p className="explain-form__hint shortcut-hint">
            <kbd className="kbd">Ctrl</kbd>+<kbd className="kbd">Enter</kbd> explains.{' '}
            <kbd className="kbd">Tab</kbd> leaves the editor; <kbd className="kbd">Ctrl</kbd>+
            <kbd className="kbd">]</kbd> indents.
          </p>
        </div>

        <div className="explain-form__options">
          <Segmented name="explain-level" legend="Level" options={LEVELS} value={level} onChange={setLevel} />
          <Segmented
            name="explain-format"
            legend="Format"
            options={FORMATS}
            value={format}
            onChange={setFormat}
          />
        </div>

        <RunErrorAlert error={failure ? { ...failure, message: linkError ?? failure.message } : null} />

        <div className="form__actions">
          {active ? (
            <button
              // Keys keep Stop and the submit button distinct elements: reusing one would turn the
              // Stop click into a submit once React swaps its type during the click.
              key="stop"
              type="button"
              className="btn btn--danger"
              onClick={() => {
                run?.stop();
              }}
            >
              <span className="btn__stop-icon" aria-hidden="true" />
              Stop
            </button>
          ) : (
            <button
              key="submit"
              type="submit"
              className="btn btn--primary"
              disabled={unavailable || !modelId}
            >
              Explain
            </button>
          )}
          <button
            type="button"
            className="btn btn--ghost"
            disabled={code === '' || active}
            onClick={() => {
              setCode('');
              setGenerationId(null);
              setSource(null);
            }}
          >
            Clear
          </button>
        </div>
      </form>

      <section
        className="card card--tight workbench__output answer"
        aria-labelledby="explanation-heading"
        aria-busy={active}
      >
        <div className="answer__header">
          <h2 id="explanation-heading" className="answer__title">
            Explanation
          </h2>
          {snapshot ? <RunBadge status={snapshot.status} /> : null}
        </div>
        <p role="status" className="visually-hidden">
          {announcement(snapshot?.status, 'explanation')}
        </p>
        {snapshot && run ? (
          <>
            <RunStats run={snapshot} />
            {run.request.kind === 'explain' && run.request.body.format === 'line-by-line' ? (
              <LineByLine run={run} />
            ) : (
              <AnswerBody
                run={snapshot}
                model={runModel}
                asCode={false}
                language={toCodeLanguage(run.request.body.language)}
                what="explanation"
              />
            )}
          </>
        ) : (
          <p className="answer__empty">
            The explanation appears here. <strong>Overview</strong> describes what the code does and how;{' '}
            <strong>Line by line</strong> puts each part of the code next to its explanation.
          </p>
        )}
      </section>
    </div>
  );
}

/** A line-by-line run: the sections complete so far, then the server's final list. */
function LineByLine({ run }: { run: GenerationRun }) {
  const snapshot = useRunSnapshot(run);
  if (!snapshot || run.request.kind !== 'explain') {
    return null;
  }
  const { code, language } = run.request.body;
  const sections = snapshot.result?.sections ?? completedSections(snapshot.output);
  const codeLanguage = toCodeLanguage(snapshot.result?.language) ?? toCodeLanguage(language);
  const active = isRunActive(snapshot);
  return (
    <>
      {snapshot.status === 'stopped' ? (
        <p className="answer-body__note answer-body__note--stopped">
          <strong>Stopped.</strong> These are the sections explained before you stopped it.
        </p>
      ) : null}
      {sections.length === 0 && !active && snapshot.output.trim() !== '' ? (
        // The model ignored the format: show what it wrote.
        <AnswerBody run={snapshot} model={null} asCode={false} language={codeLanguage} what="explanation" />
      ) : (
        <SectionsView code={code} language={codeLanguage} sections={sections} partial={active} />
      )}
    </>
  );
}
