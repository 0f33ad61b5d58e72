import type { ModelListing } from '../../api/generation.api';
import {
  isRunActive,
  useRunSnapshot,
  type GenerationRun,
  type RunSnapshot,
} from '../../stores/generation-run';
import { toCodeLanguage } from '../../generation/languages';
import { completedSections } from '../../generation/sections';
import { AnswerBody } from './AnswerBody';
import { RunStats } from './RunStats';
import { SectionsView } from './SectionsView';

/** Explain's answer: the run's stats, then the overview or the line-by-line sections. */
export function ExplainAnswer({
  run,
  snapshot,
  model,
}: {
  run: GenerationRun;
  snapshot: RunSnapshot;
  model: ModelListing | null;
}) {
  return (
    <>
      <RunStats run={snapshot} />
      {run.request.kind === 'explain' && run.request.body.format === 'line-by-line' ? (
        <LineByLine run={run} />
      ) : (
        <AnswerBody
          run={snapshot}
          model={model}
          asCode={false}
          language={toCodeLanguage(run.request.body.language)}
          what="explanation"
        />
      )}
    </>
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
        <p className="note">
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
