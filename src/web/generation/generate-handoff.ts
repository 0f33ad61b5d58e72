import type { SamplingSettings } from '../api/generation.api';
import { readHandoff, type HandoffFields } from './handoff';

/**
 * Router state that pre-fills Generate ("Run again" on a History item):
 * `navigate('/', { state })`. Generate should take it once per history
 * entry (like Explain does with its handoff), so Back does not overwrite
 * later edits.
 */
export interface GenerateLocationState extends HandoffFields {
  /** The prompt to put in the prompt box. */
  prompt: string;
  /**
   * The earlier run's sampling settings (numbers, as the API took them).
   * Each one left out means the model's default. Stop sequences are not
   * handed over: the stored list includes the prompt builder's own.
   */
  settings?: SamplingSettings;
}

/** The handed-over prompt, or null when the page was opened directly (or the state is not ours). */
export function readGenerateState(state: unknown): GenerateLocationState | null {
  const handoff = readHandoff(state, 'prompt');
  if (!handoff) {
    return null;
  }
  const sampling = readSettings(handoff.rest['settings']);
  return { prompt: handoff.text, ...handoff.fields, ...(sampling ? { settings: sampling } : {}) };
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
