import type { Language } from '../api/generation.api';
import type { SamplingDraft } from '../generation/sampling';
import { attachToRun, type GenerationRun } from './generation-run';
import { createWorkspace } from './workspace';

/** What the Generate page keeps while the user visits other pages, and (draft, runs) across a refresh. */
export interface GenerateWorkspace {
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

export const generateWorkspace = createWorkspace<GenerateWorkspace>(
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
