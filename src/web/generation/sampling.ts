import type { ModelListing, SamplingSettings } from '../api/generation.api';

/** The Advanced fields as typed (strings, so half-typed numbers are kept as they are). */
export interface SamplingDraft {
  temperature: string;
  maxTokens: string;
  topP: string;
}

export type SamplingField = keyof SamplingDraft;

/** A model's defaults as the fields show them. */
export function draftFromDefaults(model: ModelListing | null): SamplingDraft {
  if (!model) {
    return { temperature: '', maxTokens: '', topP: '' };
  }
  return {
    temperature: String(model.defaults.temperature),
    maxTokens: String(model.defaults.maxTokens),
    topP: String(model.defaults.topP),
  };
}

/** The largest max tokens the fields accept for a model (the server checks the exact limit). */
export function maxTokensLimit(model: ModelListing | null): number | undefined {
  return model?.contextLength ?? undefined;
}

/**
 * Checks the fields with the API's rules and returns the settings to send:
 * only those that differ from the model's defaults (the server fills in the
 * rest), or the per-field messages.
 */
export function readSampling(
  draft: SamplingDraft,
  model: ModelListing | null,
): { settings: SamplingSettings; errors: Partial<Record<SamplingField, string>> } {
  const errors: Partial<Record<SamplingField, string>> = {};
  const settings: SamplingSettings = {};

  const temperature = parse(draft.temperature);
  if (temperature === undefined || temperature < 0 || temperature > 2) {
    errors.temperature = 'Temperature must be between 0 and 2.';
  } else if (temperature !== model?.defaults.temperature) {
    settings.temperature = temperature;
  }

  const maxTokens = parse(draft.maxTokens);
  const limit = maxTokensLimit(model);
  if (maxTokens === undefined || !Number.isInteger(maxTokens) || maxTokens < 1) {
    errors.maxTokens = 'Max tokens must be a whole number, at least 1.';
  } else if (limit !== undefined && maxTokens > limit) {
    errors.maxTokens = `Max tokens must be at most ${limit} for this model.`;
  } else if (maxTokens !== model?.defaults.maxTokens) {
    settings.maxTokens = maxTokens;
  }

  const topP = parse(draft.topP);
  if (topP === undefined || topP <= 0 || topP > 1) {
    errors.topP = 'Top-p must be above 0 and at most 1.';
  } else if (topP !== model?.defaults.topP) {
    settings.topP = topP;
  }

  return { settings, errors };
}

function parse(value: string): number | undefined {
  const trimmed = value.trim().replace(',', '.');
  if (trimmed === '') {
    return undefined;
  }
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : undefined;
}
