import type { Language } from '../../api/generation.api';
import type { HistoryRecord } from '../../api/history.api';
import type { ExplainLocationState } from '../../generation/explain-handoff';
import type { ExtractedCode } from '../../generation/extract-code';
import { settingsFromParams, type GenerateLocationState } from '../../generation/generate-handoff';
import { LANGUAGE_OPTIONS, toApiLanguage } from '../../generation/languages';

const SOURCE = 'your history';

/** The record's language as the API names it; undefined for one no longer offered. */
export function recordLanguage(record: HistoryRecord): Language | undefined {
  return LANGUAGE_OPTIONS.find((option) => option.value === record.language)?.value;
}

/** "Run again": where to go and what to hand over (the same request, on the page that made it). */
export function runAgainTarget(
  record: HistoryRecord,
): { path: '/explain'; state: ExplainLocationState } | { path: '/'; state: GenerateLocationState } {
  const language = recordLanguage(record);
  const common = { source: SOURCE, modelId: record.modelId, ...(language ? { language } : {}) };
  if (record.kind === 'explain') {
    return {
      path: '/explain',
      state: {
        code: record.input,
        ...common,
        ...(record.generationId ? { generationId: record.generationId } : {}),
      },
    };
  }
  const settings = settingsFromParams(record.params);
  return { path: '/', state: { prompt: record.input, ...common, ...(settings ? { settings } : {}) } };
}

/** "Explain this": the code of a generation, linked to it. */
export function explainRecordCode(record: HistoryRecord, code: ExtractedCode): ExplainLocationState {
  return {
    code: code.code,
    language: code.language ? toApiLanguage(code.language) : (recordLanguage(record) ?? 'any'),
    source: SOURCE,
    generationId: record.id,
    modelId: record.modelId,
  };
}
