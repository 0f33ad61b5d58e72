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
import { TestAndFixOption } from '../components/generation/TestAndFixOption';
import { AnswerSection, WorkbenchForm } from '../components/generation/Workbench';
import { Conversation, type SendInThread } from '../components/thread/Conversation';
import { StoredAnswer } from '../components/thread/StoredAnswer';
import { codeOfAnswer } from '../generation/extract-code';
import { readGenerateState } from '../generation/generate-handoff';
import { isRunActive, startRun, useRunSnapshot, type GenerationRun } from '../stores/generation-run';
import { EMPTY_PROMPT, inputProblem } from '../generation/input-check';
import { toApiLanguage, toCodeLanguage } from '../generation/languages';
import { draftFromDefaults, readSampling, type SamplingDraft } from '../generation/sampling';
import { generateWorkspace } from '../stores/generate-workspace';
import { readPreferences, savePreferences } from '../stores/workspace';
import { useRepairPreference } from '../stores/repair-preference';
import { repairFieldOf } from '../generation/repair-progress';
import { useExplainCode, useWorkspaceHandoff } from '../hooks/useHandoff';
import { useModelChoice } from '../hooks/useModelChoice';
import { useConversation, useOpenedThread } from '../hooks/useConversation';

type FieldErrors = Partial<Record<string, string>>;

/** Home page: describe code, pick a model and language, and watch the answer stream in. */
export function GeneratePage() {
  // "Run again" from History: the earlier prompt, model, language and settings.
  const saved = useWorkspaceHandoff(generateWorkspace, readGenerateState, (values, handoff) => {
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
  const { openedId, run, setRun, leave } = useOpenedThread(saved.run);
  const [previous, setPrevious] = useState<GenerationRun | null>(openedId !== null ? null : saved.previous);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const answerRef = useRef<HTMLElement>(null);
  const { repair: repairChoice } = useRepairPreference();

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
  const conversation = useConversation(shownRun, snapshot, latest, openedId);
  const { thread, failure: threadFailure } = conversation;

  useEffect(() => {
    generateWorkspace.write({
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
        body: {
          prompt: text,
          language,
          ...(modelId ? { modelId } : {}),
          ...settings,
          ...repairFieldOf(repairChoice, language, model),
        },
      }),
    );
    savePreferences({ ...(modelId ? { modelId } : {}), language });
    // On a phone the answer is below the form: bring it into view.
    if (window.matchMedia('(max-width: 60rem)').matches) {
      answerRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
  };

  /** Sends a turn of the thread on screen: a follow-up, or a Regenerate (same parent). */
  const sendInThread: SendInThread = ({ text, threadId, parentId, modelId: chosen, params }) => {
    setPrevious(refused ? previous : run);
    // A follow-up takes the form's settings (those that are valid); Retry repeats the turn's.
    const { temperature, maxTokens, topP } = params ?? readSampling(shownDraft, model).settings;
    const body = {
      prompt: text,
      language,
      ...(chosen ? { modelId: chosen } : {}),
      temperature,
      maxTokens,
      topP,
      ...repairFieldOf(repairChoice, language, chosen ? models.find(chosen) : model),
    };
    setRun(startRun({ kind: 'generate', body: { ...body, threadId, parentId } }));
  };
  const newConversation = () => {
    leave();
    setPrevious(null);
    promptRef.current?.focus();
  };
  const liveAnswer = () =>
    snapshot ? (
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
    ) : null;

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
        <RunErrorAlert error={threadFailure ? null : failure} />

        <div className="form__row">
          <ModelPicker
            id="generate-model"
            choice={models}
            // New model, new defaults.
            onChange={() => {
              setDraft(null);
            }}
            followUp={thread.chain.length > 0}
          />
          <LanguageSelect id="generate-language" value={language} onChange={setLanguage} />
        </div>
        <TestAndFixOption idPrefix="generate" language={language} model={model} />

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
        {thread.chain.length > 0 ? (
          <Conversation
            kind="generate"
            conversation={conversation}
            models={models}
            renderLive={liveAnswer}
            renderStored={(turn) => <StoredAnswer turn={turn} model={models.find(turn.modelId)} />}
            onSend={sendInThread}
            onNewConversation={newConversation}
            followUpOption={
              <TestAndFixOption idPrefix="generate-follow-up" language={language} model={model} />
            }
          />
        ) : snapshot ? (
          liveAnswer()
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
