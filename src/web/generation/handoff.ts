import type { Language } from '../api/generation.api';
import { LANGUAGE_OPTIONS } from './languages';

/** What every hand-off between pages may carry besides its text. */
export interface HandoffFields {
  language?: Language;
  /** The model to preselect when it is still listed. */
  modelId?: string;
  /** Where the text came from, for a notice on the page ("your history"). */
  source?: string;
}

/**
 * Reads router state handed to a page: the non-blank string under `textKey`
 * and the shared fields, dropping what the page could not use. `rest` holds
 * the whole state for the page's own fields. Null when the page was opened
 * directly (or the state is not a hand-off).
 */
export function readHandoff(
  state: unknown,
  textKey: string,
): { text: string; fields: HandoffFields; rest: Readonly<Record<string, unknown>> } | null {
  if (typeof state !== 'object' || state === null) {
    return null;
  }
  const rest = state as Record<string, unknown>;
  const { [textKey]: text, language, modelId, source } = rest;
  if (typeof text !== 'string' || text.trim() === '') {
    return null;
  }
  const knownLanguage = LANGUAGE_OPTIONS.find((o) => o.value === language)?.value;
  return {
    text,
    fields: {
      ...(knownLanguage ? { language: knownLanguage } : {}),
      ...(typeof modelId === 'string' && modelId !== '' ? { modelId } : {}),
      ...(typeof source === 'string' ? { source } : {}),
    },
    rest,
  };
}
