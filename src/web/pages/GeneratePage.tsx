import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { MAX_INPUT_CHARS } from '../../shared/limits';
import { tooLongMessage } from '../../shared/messages';
import type { Language } from '../api/generation.api';
import { useAuth } from '../auth/auth.context';
import { TextAreaField } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import { AdvancedSettings } from '../components/generation/AdvancedSettings';
import { AnswerBody } from '../components/generation/AnswerBody';
import { LanguageSelect } from '../components/generation/LanguageSelect';
import { ModelPicker } from '../components/generation/ModelPicker';
import { RunBadge, announcement } from '../components/generation/RunBadge';
import { RunStats } from '../components/generation/RunStats';
import { RunErrorAlert } from '../components/generation/RunErrorAlert';
import { ShortcutHint, isSubmitShortcut } from '../components/generation/ShortcutHint';
import '../components/generation/generation.css';
import type { ExplainLocationState } from '../generation/explain-handoff';
import { codeOfAnswer } from '../generation/extract-code';
import { isRunActive, startRun, useRunSnapshot, type GenerationRun } from '../generation/generation-run';
import { LANGUAGE_OPTIONS, toApiLanguage, toCodeLanguage } from '../generation/languages';
import { pickInitialModel, refreshModels, useModels } from '../generation/models.store';
import { readGenerateState } from '../generation/generate-handoff';
import { draftFromDefaults, readSampling, type SamplingDraft } from '../generation/sampling';
import { createWorkspace, readPreferences, savePreferences } from '../generation/workspace';

/** Ideas for a first prompt, shown while there is no answer yet. */
const EXAMPLES: readonly { prompt: string; language: Language }[] = [
  { prompt: 'Check whether a string is a palindrome, ignoring case and punctuation', language: 'python' },
  { prompt: 'Debounce a function so it runs once typing has paused for 300 ms', language: 'typescript' },
  { prompt: 'The five customers with the highest total order value', language: 'sql' },
  { prompt: 'Read a CSV file and print the sum of its second column', language: 'go' },
];

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
);

type FieldErrors = Partial<Record<string, string>>;

/** Home page: describe code, pick a model and language, and watch the answer stream in. */
export function GeneratePage() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [saved] = useState(() => {
    const values = workspace.read(user?.id ?? '');
    const handoff = readGenerateState(location.state);
    if (!handoff || values.handoffKey === location.key) {
      return values;
    }
    const s = handoff.settings;
    // "Run again" from History: the earlier prompt, model, language and settings.
    return {
      ...values,
      prompt: handoff.prompt,
      language: handoff.language ?? values.language,
      modelId: handoff.modelId ?? values.modelId,
      draft:
        s?.temperature !== undefined && s.maxTokens !== undefined && s.topP !== undefined
          ? { temperature: String(s.temperature), maxTokens: String(s.maxTokens), topP: String(s.topP) }
          : null,
      handoffKey: location.key,
    };
  });
  const [preferences] = useState(readPreferences);

  const [prompt, setPrompt] = useState(saved.prompt);
  const [language, setLanguage] = useState<Language>(
    () => saved.language ?? toApiLanguage(toCodeLanguage(preferences.language)),
  );
  const [chosenModel, setChosenModel] = useState<string | null>(saved.modelId);
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
  const { models, error: modelsError } = useModels(active && latest?.firstTokenAt === null);

  const modelId =
    models && !models.some((m) => m.id === chosenModel)
      ? pickInitialModel(models, preferences.modelId ?? null)
      : chosenModel;
  const model = models?.find((m) => m.id === modelId) ?? null;
  const runModel = models?.find((m) => m.id === (snapshot?.modelId ?? modelId)) ?? null;
  // Completion models answer with bare code, shown as one code block rather than Markdown.
  const asCode = runModel?.format === 'completion';
  const shownDraft = draft ?? draftFromDefaults(model);

  useEffect(() => {
    workspace.write({
      prompt,
      language,
      modelId: chosenModel,
      draft,
      run,
      previous,
      handoffKey: saved.handoffKey,
    });
  }, [prompt, language, chosenModel, draft, run, previous, saved.handoffKey]);

  const failure = latest?.status === 'failed' ? latest.error : null;
  useEffect(() => {
    // The list the user picked from is out of date.
    if (failure?.code === 'model_not_found' || failure?.code === 'model_unavailable') {
      void refreshModels();
    }
  }, [failure]);

  const fieldErrors: FieldErrors = { ...(failure?.fields ?? {}), ...clientErrors };
  const code = snapshot && !active ? codeOfAnswer(snapshot.output, snapshot.result, asCode) : null;

  const submit = () => {
    if (active) {
      return;
    }
    const text = prompt.trim();
    if (text === '') {
      setClientErrors({ prompt: 'Describe the code you want.' });
      promptRef.current?.focus();
      return;
    }
    if (text.length > MAX_INPUT_CHARS) {
      setClientErrors({
        prompt: tooLongMessage('prompt'),
      });
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

  const onPromptKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (isSubmitShortcut(event)) {
      event.preventDefault();
      submit();
    }
  };

  const explainThis = () => {
    if (!code || !snapshot) {
      return;
    }
    const state: ExplainLocationState = {
      code: code.code,
      language: code.language ? toApiLanguage(code.language) : language,
      source: 'your generation',
      ...(snapshot.id ? { generationId: snapshot.id } : {}),
      ...(snapshot.modelId ? { modelId: snapshot.modelId } : {}),
    };
    void navigate('/explain', { state });
  };

  const promptError = fieldErrors['prompt'];
  const unavailable = model?.status === 'unavailable';

  return (
    <div className="workbench workbench--split">
      <PageHeading>Generate</PageHeading>
      <p className="workbench__lead">Describe what you need in plain words; a code model writes it.</p>

      <form
        className="card card--tight workbench__form form form--compact"
        // Checked in code, with messages next to the fields (a closed Advanced panel cannot show the browser's).
        noValidate
        aria-label="Generate code"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <TextAreaField
          id="generate-prompt"
          name="prompt"
          label="Describe the code you want"
          ref={promptRef}
          rows={6}
          value={prompt}
          placeholder="For example: a function that checks whether a string is a palindrome"
          onChange={(event) => {
            setPrompt(event.target.value);
            if (clientErrors['prompt']) {
              setClientErrors({});
            }
          }}
          onKeyDown={onPromptKeyDown}
          error={promptError}
          hint={<ShortcutHint action="generate" length={prompt.length} />}
        />
        <RunErrorAlert error={failure} />

        <div className="form__row">
          <ModelPicker
            id="generate-model"
            models={models}
            loadError={modelsError}
            value={modelId}
            onChange={(id) => {
              setChosenModel(id);
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
              aria-describedby={unavailable ? 'generate-model-status' : undefined}
            >
              Generate
            </button>
          )}
        </div>
      </form>

      <section
        ref={answerRef}
        className="card card--tight workbench__output answer"
        aria-labelledby="answer-heading"
        aria-busy={active}
      >
        <div className="answer__header">
          <h2 id="answer-heading" className="answer__title">
            Answer
          </h2>
          {snapshot ? <RunBadge status={snapshot.status} /> : null}
        </div>
        <p role="status" className="visually-hidden">
          {announcement(snapshot?.status)}
        </p>
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
          <div className="answer__empty">
            <p>Your code will appear here as the model writes it. Try one of these:</p>
            <ul className="examples">
              {EXAMPLES.map((example) => (
                <li key={example.prompt}>
                  <button
                    type="button"
                    className="examples__item"
                    onClick={() => {
                      setPrompt(example.prompt);
                      setLanguage(example.language);
                      setClientErrors({});
                      promptRef.current?.focus();
                    }}
                  >
                    {example.prompt}
                    <span className="examples__language">{languageName(example.language)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
    </div>
  );
}

function languageName(language: Language): string {
  return LANGUAGE_OPTIONS.find((option) => option.value === language)?.label ?? language;
}
