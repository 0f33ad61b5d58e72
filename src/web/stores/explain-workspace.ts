import type { ExplainFormat, ExplainLevel, Language } from '../api/generation.api';
import { attachToRun, type GenerationRun } from './generation-run';
import { createWorkspace } from './workspace';

/** What the Explain page keeps while the user visits other pages, and (draft, runs) across a refresh. */
export interface ExplainWorkspace {
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

export const explainWorkspace = createWorkspace<ExplainWorkspace>(
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
  {
    page: 'explain',
    draftOf: (values) => values.code,
    runsOf: (values) => (values.run ? [{ run: values.run }] : []),
    restore: (memory, values) => {
      const last = memory.runs?.[0];
      if (last?.request.kind !== 'explain') {
        return { code: memory.draft ?? values.code };
      }
      const body = last.request.body;
      return {
        code: memory.draft ?? values.code,
        run: attachToRun(last.id, last.request),
        language: body.language ?? values.language,
        level: body.level ?? values.level,
        format: body.format ?? values.format,
        generationId: body.generationId ?? null,
      };
    },
  },
);
