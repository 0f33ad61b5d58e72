import type { Language, SamplingSettings } from '../api/generation.api';
import { LANGUAGE_OPTIONS } from './languages';

/**
 * Router state that pre-fills Generate ("Run again" on a History item):
 * `navigate('/', { state })`. Generate should take it once per history
 * entry (like Explain does with its handoff), so Back does not overwrite
 * later edits.
 */
export interface GenerateLocationState {
  /** The prompt to put in the prompt box. */
  prompt: string;
  language?: Language;
  /** The model of the earlier run, preselected when it is still listed. */
  modelId?: string;
  /**
   * The earlier run's sampling settings (numbers, as the API took them).
   * Each one left out means the model's default. Stop sequences are not
   * handed over: the stored list includes the prompt builder's own.
   */
  settings?: SamplingSettings;
  /** Where the prompt came from, for a notice on the page ("your history"). */
  source?: string;
}

/** The handed-over prompt, or null when the page was opened directly (or the state is not ours). */
export function readGenerateState(state: unknown): GenerateLocationState | null {
  if (typeof state !== 'object' || state === null) {
    return null;
  }
  const { prompt, language, modelId, settings, source } = state as Record<string, unknown>;
  if (typeof prompt !== 'string' || prompt.trim() === '') {
    return null;
  }
  const knownLanguage = LANGUAGE_OPTIONS.find((o) => o.value === language)?.value;
  const sampling = readSettings(settings);
  return {
    prompt,
    ...(knownLanguage ? { language: knownLanguage } : {}),
    ...(typeof modelId === 'string' && modelId !== '' ? { modelId } : {}),
    ...(sampling ? { settings: sampling } : {}),
    ...(typeof source === 'string' ? { source } : {}),
  };
}

/**
 * The sampling settings worth handing over from a stored record's `params`
 * (which also holds stop sequences and, for explanations, level and format).
 */
export function settingsFromParams(params: Record<string, unknown>): SamplingSettings | undefined {
  return readSettings(params);
}

function readSettings(value: unknown): SamplingSettings | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const { temperature, maxTokens, topP } = value as Record<string, unknown>;
  const settings: SamplingSettings = {
    ...(isNumber(temperature) && temperature >= 0 && temperature <= 2 ? { temperature } : {}),
    ...(isNumber(maxTokens) && Number.isInteger(maxTokens) && maxTokens >= 1 ? { maxTokens } : {}),
    ...(isNumber(topP) && topP > 0 && topP <= 1 ? { topP } : {}),
  };
  return Object.keys(settings).length > 0 ? settings : undefined;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
