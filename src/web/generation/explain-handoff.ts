import type { Language } from '../api/generation.api';
import { LANGUAGE_OPTIONS } from './languages';

/** Router state Generate, Compare (and later History) pass to Explain with "Explain this code". */
export interface ExplainLocationState {
  code: string;
  language?: Language;
  /** The generation the code came from; the explanation is linked to it. */
  generationId?: string;
  /** The model that wrote the code, preselected for the explanation. */
  modelId?: string;
  /** Where the code came from, for the notice on the Explain page. */
  source?: string;
}

/** The handed-over code, or null when the page was opened directly (or the state is not ours). */
export function readExplainState(state: unknown): ExplainLocationState | null {
  if (typeof state !== 'object' || state === null) {
    return null;
  }
  const { code, language, generationId, modelId, source } = state as Record<string, unknown>;
  if (typeof code !== 'string' || code.trim() === '') {
    return null;
  }
  const knownLanguage = LANGUAGE_OPTIONS.find((o) => o.value === language)?.value;
  return {
    code,
    ...(knownLanguage ? { language: knownLanguage } : {}),
    ...(typeof generationId === 'string' ? { generationId } : {}),
    ...(typeof modelId === 'string' ? { modelId } : {}),
    ...(typeof source === 'string' ? { source } : {}),
  };
}
