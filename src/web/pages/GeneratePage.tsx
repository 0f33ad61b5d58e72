import { useEffect, useRef, useState } from 'react';
import type { Language } from '../api/generation.api';
import { PageHeading } from '../components/PageHeading';
import { AdvancedSettings } from '../components/generation/AdvancedSettings';
import { AnswerBody } from '../components/generation/AnswerBody';
import { LanguageSelect } from '../components/generation/LanguageSelect';
import { ModelPicker } from '../components/generation/ModelPicker';
import { PromptExamples } from '../components/generation/PromptExamples';
import { PromptField } from '../components/generation/PromptField';
import { RunActions } from '../components/generation/RunActions';
import { RunErrorAlert } from '../components/generation/RunErrorAlert';
import { RunStats } from '../components/generation/RunStats';
import { AnswerSection, WorkbenchForm } from '../components/generation/Workbench';
import { codeOfAnswer } from '../generation/extract-code';
import { readGenerateState } from '../generation/generate-handoff';
import {
  attachToRun,
  isRunActive,
  startRun,
  useRunSnapshot,
  type GenerationRun,
} from '../stores/generation-run';
import { EMPTY_PROMPT, inputProblem } from '../generation/input-check';
import { toApiLanguage, toCodeLanguage } from '../generation/languages';
import { draftFromDefaults, readSampling, type SamplingDraft } from '../generation/sampling';
import { createWorkspace, readPreferences, savePreferences } from '../stores/workspace';
import { useExplainCode, useWorkspaceHandoff } from '../hooks/useHandoff';
import { useModelChoice } from '../hooks/useModelChoice';

interface GenerateWorkspace {
  prompt: string;
  language: Language | null;
  modelId: string | null;
  draft: SamplingDraft | null;
  run: GenerationRun | null;
  /** The run before, shown again when the latest request is refused before it starts. */
  previous: GenerationRun | null;
  /** The history entry whose "Run again" state was taken, so Back does not take it twice. */
  handoffKey: string | null;
}

const workspace = createWorkspace<GenerateWorkspace>(
  () => ({
    prompt: '',
    language: null,
    modelId: null,
    draft: null,
    run: null,
    previous: null,
    handoffKey: null,
  }),
  (values) => {
    values.run?.stop();
  },
  {
    page: 'generate',
    draftOf: (values) => values.prompt,
    // A request refused before it started leaves the one before on screen.
    runsOf: (values) => [values.run, values.previous].flatMap((run) => (run ? [{ run }] : [])),
    restore: (memory, values) => {
      const last = memory.runs?.[0];
      return {
        prompt: memory.draft ?? values.prompt,
        ...(last?.request.kind === 'generate'
          ? { run: attachToRun(last.id, last.request), language: last.request.body.language ?? null }
          : {}),
      };
    },
  },
);

type FieldErrors = Partial<Record<string, string>>;

/** Home page: describe code, pick a model and language, and watch the answer stream in. */
export function GeneratePage() {
  // "Run again" from History: the earlier prompt, model, language and settings.
  const saved = useWorkspaceHandoff(workspace, readGenerateState, (values, handoff) => {
    const s = handoff.settings;
    return {
      prompt: handoff.prompt,
      language: handoff.language ?? values.language,
      modelId: handoff.modelId ?? values.modelId,
      draft:
        s?.temperature !== undefined && s.maxTokens !== undefined && s.topP !== undefined
          ? { temperature: String(s.temperature), maxTokens: String(s.maxTokens), topP: String(s.topP) }
          : null,
    };
  });
  const explainCode = useExplainCode();

  const [prompt, setPrompt] = useState(saved.prompt);
  const [language, setLanguage] = useState<Language>(
    () => saved.language ?? toApiLanguage(toCodeLanguage(readPreferences().language)),
  );
  const [draft, setDraft] = useState<SamplingDraft | null>(saved.draft);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [run, setRun] = useState<GenerationRun | null>(saved.run);
  const [previous, setPrevious] = useState<GenerationRun | null>(saved.previous);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const answerRef = useRef<HTMLElement>(null);

  const latest = useRunSnapshot(run);
  const previousSnapshot = useRunSnapshot(previous);
  const active = isRunActive(latest);
  // A request refused before it started (limit, busy, invalid) leaves the last answer on screen.
  const refused = latest?.status === 'failed' && latest.id === null;
  const shownRun = refused && previous ? previous : run;
  const snapshot = refused && previousSnapshot ? previousSnapshot : latest;
  const failure = latest?.status === 'failed' ? latest.error : null;
  const models = useModelChoice({
    task: 'generate',
    // Picked: a model handed over from History is used whenever it is still listed.
    initial: { id: saved.modelId, picked: true },
    watch: active && latest?.firstTokenAt === null,
    failure,
  });
  const { modelId, model } = models;
  const runModel = models.find(snapshot?.modelId ?? modelId);
  // Completion models answer with bare code, shown as one code block rather than Markdown.
  const asCode = runModel?.format === 'completion';
  const shownDraft = draft ?? draftFromDefaults(model);

  useEffect(() => {
    workspace.write({
      prompt,
      language,
      modelId: models.choice.id,
      draft,
      run,
      previous,
      handoffKey: saved.handoffKey,
    });
  }, [prompt, language, models.choice.id, draft, run, previous, saved.handoffKey]);

  const fieldErrors: FieldErrors = { ...(failure?.fields ?? {}), ...clientErrors };
  const code = snapshot && !active ? codeOfAnswer(snapshot.output, snapshot.result, asCode) : null;

  const submit = () => {
    if (active) {
      return;
    }
    const text = prompt.trim();
    const problem = inputProblem(text, 'prompt', EMPTY_PROMPT);
    if (problem) {
      setClientErrors({ prompt: problem });
      promptRef.current?.focus();
      return;
    }
    const { settings, errors } = readSampling(shownDraft, model);
    if (Object.keys(errors).length > 0) {
      setClientErrors(errors);
      setAdvancedOpen(true);
      return;
    }
    setClientErrors({});
    // The answer on screen, unless it was itself a refused request.
    setPrevious(refused ? previous : run);
    setRun(
      startRun({
        kind: 'generate',
        body: { prompt: text, language, ...(modelId ? { modelId } : {}), ...settings },
      }),
    );
    savePreferences({ ...(modelId ? { modelId } : {}), language });
    // On a phone the answer is below the form: bring it into view.
    if (window.matchMedia('(max-width: 60rem)').matches) {
      answerRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
  };

  const explainThis = () => {
    if (!code || !snapshot) {
      return;
    }
    explainCode({
      code: code.code,
      language: code.language ? toApiLanguage(code.language) : language,
      source: 'your generation',
      ...(snapshot.id ? { generationId: snapshot.id } : {}),
      ...(snapshot.modelId ? { modelId: snapshot.modelId } : {}),
    });
  };

  const unavailable = model?.status === 'unavailable';

  return (
    <div className="workbench workbench--split">
      <PageHeading>Generate</PageHeading>
      <p className="workbench__lead">Describe what you need in plain words; a code model writes it.</p>

      <WorkbenchForm label="Generate code" onSubmit={submit}>
        <PromptField
          id="generate-prompt"
          ref={promptRef}
          rows={6}
          value={prompt}
          placeholder="For example: a function that checks whether a string is a palindrome"
          onChange={(value) => {
            setPrompt(value);
            if (clientErrors['prompt']) {
              setClientErrors({});
            }
          }}
          onSubmit={submit}
          action="generate"
          error={fieldErrors['prompt']}
        />
        <RunErrorAlert error={failure} />

        <div className="form__row">
          <ModelPicker
            id="generate-model"
            models={models.models}
            loadError={models.loadError}
            value={modelId}
            onChange={(id) => {
              models.choose(id);
              // New model, new defaults.
              setDraft(null);
            }}
          />
          <LanguageSelect id="generate-language" value={language} onChange={setLanguage} />
        </div>

        <AdvancedSettings
          idPrefix="generate"
          model={model}
          draft={shownDraft}
          onChange={(field, value) => {
            setDraft({ ...shownDraft, [field]: value });
            if (clientErrors[field]) {
              setClientErrors({});
            }
          }}
          onReset={() => {
            setDraft(null);
          }}
          errors={fieldErrors}
          open={advancedOpen}
          onToggle={setAdvancedOpen}
        />

        <RunActions
          active={active}
          onStop={() => {
            run?.stop();
          }}
          submitLabel="Generate"
          disabled={unavailable || !modelId}
          describedBy={unavailable ? 'generate-model-status' : undefined}
        />
      </WorkbenchForm>

      <AnswerSection headingId="answer-heading" title="Answer" snapshot={snapshot} sectionRef={answerRef}>
        {snapshot ? (
          <>
            <RunStats run={snapshot} />
            <AnswerBody
              run={snapshot}
              model={runModel}
              asCode={asCode}
              language={toCodeLanguage(shownRun?.request.body.language)}
            />
            {code ? (
              <div className="answer__actions">
                <button type="button" className="btn btn--secondary" onClick={explainThis}>
                  Explain this code
                </button>
              </div>
            ) : null}
          </>
        ) : (
          <PromptExamples
            onPick={(examplePrompt, exampleLanguage) => {
              setPrompt(examplePrompt);
              setLanguage(exampleLanguage);
              setClientErrors({});
              promptRef.current?.focus();
            }}
          />
        )}
      </AnswerSection>
    </div>
  );
}
