import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { ExplainFormat, ExplainLevel, ExplainRequest, Language } from '../api/generation.api';
import { PageHeading } from '../components/PageHeading';
import { detectLanguage } from '../components/code/highlight';
import { ExplainAnswer } from '../components/generation/ExplainAnswer';
import { ExplainCodeField, ExplainOptions, HandoffNotice } from '../components/generation/ExplainForm';
import { LanguageSelect } from '../components/generation/LanguageSelect';
import { ModelPicker } from '../components/generation/ModelPicker';
import { RunActions } from '../components/generation/RunActions';
import { RunErrorAlert } from '../components/generation/RunErrorAlert';
import { AnswerSection, WorkbenchForm } from '../components/generation/Workbench';
import { Conversation, type SendInThread } from '../components/thread/Conversation';
import { StoredAnswer } from '../components/thread/StoredAnswer';
import { readExplainState } from '../generation/explain-handoff';
import { isRunActive, startRun, useRunSnapshot } from '../stores/generation-run';
import { inputProblem } from '../generation/input-check';
import { languageLabel, toCodeLanguage } from '../generation/languages';
import { explainWorkspace } from '../stores/explain-workspace';
import { savePreferences } from '../stores/workspace';
import { useWorkspaceHandoff } from '../hooks/useHandoff';
import { useModelChoice } from '../hooks/useModelChoice';
import { useConversation, useOpenedThread } from '../hooks/useConversation';
import { ExplainErrorContext, RunnableCode } from '../components/run/RunControls';
import { runnableCodeLanguage, type RunnableCodeLanguage } from '../generation/run-output';

/** Paste code (or arrive with it from Generate) and get it explained, as an overview or line by line. */
export function ExplainPage() {
  const saved = useWorkspaceHandoff(explainWorkspace, readExplainState, (values, handoff) => ({
    code: handoff.code,
    language: handoff.language ?? values.language,
    ...(handoff.modelId ? { modelId: handoff.modelId, modelPicked: false } : {}),
    generationId: handoff.generationId ?? null,
    source: handoff.source ?? null,
  }));

  const [code, setCode] = useState(saved.code);
  const [language, setLanguage] = useState<Language>(saved.language);
  const [level, setLevel] = useState<ExplainLevel>(saved.level);
  const [format, setFormat] = useState<ExplainFormat>(saved.format);
  const [generationId, setGenerationId] = useState<string | null>(saved.generationId);
  const [source, setSource] = useState<string | null>(saved.source);
  const [codeError, setCodeError] = useState<string | null>(null);
  const { openedId, run, setRun, leave } = useOpenedThread(saved.run);

  const snapshot = useRunSnapshot(run);
  const active = isRunActive(snapshot);
  const failure = snapshot?.status === 'failed' ? snapshot.error : null;
  const conversation = useConversation(run, snapshot, snapshot, openedId);
  const threadFailure = conversation.failure;
  // Never a code-completion model unless the user picks one here (it is listed, unavailable, with the reason).
  const models = useModelChoice({
    task: 'explain',
    initial: { id: saved.modelId, picked: saved.modelPicked },
    watch: active && snapshot?.firstTokenAt === null,
    failure,
  });
  const { modelId, model, cannotDo: cannotExplain } = models;
  const runModel = models.find(snapshot?.modelId ?? modelId);
  const { id: chosenModel, picked: modelPicked } = models.choice;

  useEffect(() => {
    explainWorkspace.write({
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

  const submit = useCallback(() => {
    if (isRunActive(run?.getSnapshot() ?? null)) {
      return;
    }
    if (cannotExplain) {
      // Ctrl+Enter in the editor: the picker's description says why, and another model is one key away.
      document.getElementById('explain-model')?.focus();
      return;
    }
    const problem = inputProblem(code, 'code', 'Paste some code to explain.');
    setCodeError(problem);
    if (problem) {
      return;
    }
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
  }, [run, setRun, cannotExplain, code, language, level, format, modelId, generationId]);

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

  /** Sends a turn of the thread on screen: a question about the code, or a Regenerate (same parent). */
  const sendInThread: SendInThread = ({ text, threadId, parentId, modelId: chosen, params }) => {
    // A question is answered in prose unless Regenerate repeats a line-by-line turn.
    const body = { code: text, language, level, format: 'overview' as const, ...(params ?? {}) };
    setRun(
      startRun({
        kind: 'explain',
        body: { ...body, ...(chosen ? { modelId: chosen } : {}), threadId, parentId },
      }),
    );
  };

  const unlink = useCallback(() => {
    setGenerationId(null);
    setSource(null);
  }, []);

  /** "Explain this error" on this page: the code with its error goes into the editor, ready to explain. */
  const explainRunError = useCallback(
    (withError: string, ran: RunnableCodeLanguage) => {
      onCodeChange(withError);
      setLanguage(ran);
      unlink();
      document.querySelector<HTMLElement>('.explain-form__code [contenteditable="true"]')?.focus();
    },
    [onCodeChange, unlink],
  );
  const linkError = failure?.fields['generationId'];

  return (
    <ExplainErrorContext value={explainRunError}>
      <div className="workbench">
        <PageHeading>Explain</PageHeading>
        <p className="workbench__lead">
          Paste a piece of code and get it explained, as an overview or line by line.
        </p>

        <WorkbenchForm label="Explain code" onSubmit={submit}>
          {source && generationId ? <HandoffNotice source={source} onUnlink={unlink} /> : null}

          <div className="form__row">
            <ModelPicker id="explain-model" choice={models} task="explain" />
            <LanguageSelect
              id="explain-language"
              label="Language of the code"
              anyLabel={
                detected ? `Detect automatically (${languageLabel(detected)})` : 'Detect automatically'
              }
              value={language}
              onChange={setLanguage}
            />
          </div>

          <ExplainCodeField
            code={code}
            onChange={onCodeChange}
            language={editorLanguage}
            onSubmit={submit}
            error={codeError ?? failure?.fields['code'] ?? null}
          />
          <RunnableCode code={code} language={runnableCodeLanguage(editorLanguage)} what="code to explain" />

          <ExplainOptions level={level} format={format} onLevel={setLevel} onFormat={setFormat} />

          <RunErrorAlert
            error={failure && !threadFailure ? { ...failure, message: linkError ?? failure.message } : null}
          />

          <RunActions
            active={active}
            onStop={() => {
              run?.stop();
            }}
            submitLabel="Explain"
            disabled={model?.status === 'unavailable' || !modelId}
          >
            <button
              type="button"
              className="btn btn--ghost"
              disabled={code === '' || active}
              onClick={() => {
                setCode('');
                unlink();
              }}
            >
              Clear
            </button>
          </RunActions>
        </WorkbenchForm>

        <AnswerSection
          headingId="explanation-heading"
          title="Explanation"
          what="explanation"
          snapshot={snapshot}
        >
          {conversation.thread.chain.length > 0 ? (
            <Conversation
              kind="explain"
              conversation={conversation}
              models={models}
              renderLive={() =>
                snapshot && run ? <ExplainAnswer run={run} snapshot={snapshot} model={runModel} /> : null
              }
              renderStored={(turn) => (
                <StoredAnswer turn={turn} model={models.find(turn.modelId)} what="explanation" />
              )}
              onSend={sendInThread}
              onNewConversation={leave}
            />
          ) : snapshot && run ? (
            <ExplainAnswer run={run} snapshot={snapshot} model={runModel} />
          ) : (
            <p className="answer__empty">
              The explanation appears here. <strong>Overview</strong> describes what the code does and how;{' '}
              <strong>Line by line</strong> puts each part of the code next to its explanation.
            </p>
          )}
        </AnswerSection>
      </div>
    </ExplainErrorContext>
  );
}
