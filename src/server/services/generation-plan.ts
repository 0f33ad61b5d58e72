import { InvalidInputError } from '../errors.js';
import { tasksOf, type ModelEntry } from '../models/catalogue.js';
import { ModelCannotExplainError, ModelCannotFollowUpError } from '../models/model-errors.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { detectLanguage, extractCode, parseSections } from '../models/output.js';
import { takesFollowUps } from '../models/prompt-formats.js';
import {
  buildExplainPrompt,
  buildGeneratePrompt,
  estimatePromptTokens,
  LINE_BY_LINE_SCHEMA,
  normalizeLanguage,
  type BuiltPrompt,
  type EarlierTurn,
} from '../models/prompts.js';
import type { GenerationParams } from '../models/provider.port.js';
import type { PromptOutcome } from '../store/store.port.js';
import type { Language } from '../../shared/languages.js';
import type { ExplainBody, GenerateBody } from '../../shared/generation.schemas.js';

/**
 * What one generate or explain request asks of which model: the prompt in
 * the model's format, the sampling settings, and how the answer is read.
 * The web app's requests (GenerationService) and `npm run eval` both plan
 * here, so eval measures exactly what users get.
 */
export interface GenerationPlan {
  model: ModelEntry;
  built: BuiltPrompt;
  params: GenerationParams;
  /** The language recorded with the run: the chosen one, or for Explain the detected one. */
  language: Language;
  /** Turns the finished output into the stored and returned fields. */
  finish: (output: string) => Pick<PromptOutcome, 'code' | 'language' | 'sections'>;
  /** Earlier turns left out of the prompt because the thread no longer fits the model's context. */
  omittedTurns: number;
}

/**
 * An earlier turn of a thread, oldest first: what the user sent and what the
 * model answered. The model is shown it again, in its own format, before
 * the new request.
 */
export interface PriorTurn {
  kind: 'generate' | 'explain';
  /** The request (generate), the code (a thread's first explain turn) or the question (later explain turns). */
  input: string;
  /** The model's answer as it was written (the stored `output`). */
  output: string;
  /** The language recorded with the turn. */
  language: string;
}

/** The plan of "write code that does X", after the thread's earlier turns (oldest first). */
export function planGenerate(
  models: ModelRegistry,
  body: GenerateBody,
  earlier: PriorTurn[] = [],
): GenerationPlan {
  const model = models.get(body.modelId);
  if (!takesFollowUps(model.format) && earlier.length > 0) {
    // Refused up front, before trimming could leave the thread out altogether.
    throw new ModelCannotFollowUpError(model.name);
  }
  const params = samplingParams(models, model, body, body.stop ?? []);
  const { built, omittedTurns } = fitThread(
    models,
    model,
    params,
    threadOf(earlier),
    () => false,
    (kept) => buildGeneratePrompt(model, body.prompt, body.language, kept),
  );
  return {
    model,
    built,
    params,
    language: body.language,
    // A base model given the start of the code continues it: the answer is both.
    finish: (output) => ({ ...extractCode(built.codePrefix + output, body.language), sections: null }),
    omittedTurns,
  };
}

/**
 * The plan of "explain this code"; ModelCannotExplainError for a model that
 * only completes code. In a thread whose first Explain turn carried the
 * code, `body.code` is the follow-up question, and the answer is about that
 * code (its language, its lines).
 */
export function planExplain(
  models: ModelRegistry,
  body: ExplainBody,
  earlier: PriorTurn[] = [],
): GenerationPlan {
  const model = models.get(body.modelId);
  if (!tasksOf(model).includes('explain')) {
    throw new ModelCannotExplainError(model.name);
  }
  const thread = threadOf(earlier);
  const codeTurn = thread.find((t) => t.sent === 'code');
  const code = codeTurn?.input ?? body.code;
  // The prompt names the language: the chosen one, else the thread's, else the one the code shows.
  const recorded = codeTurn?.language ?? 'any';
  const language =
    body.language !== 'any' ? body.language : recorded !== 'any' ? recorded : (detectLanguage(code) ?? 'any');
  const params = samplingParams(models, model, body, []);
  if (body.format === 'line-by-line') {
    params.jsonSchema = LINE_BY_LINE_SCHEMA;
  }
  // Questions about the code mean nothing without it: its turn is never left out.
  const { built, omittedTurns } = fitThread(
    models,
    model,
    params,
    thread,
    (t) => t.sent === 'code',
    (kept) => buildExplainPrompt(model, body.code, language, body.level, body.format, kept),
  );
  const lineCount = code.split(/\r?\n/).length;
  return {
    model,
    built,
    params,
    language,
    finish: (output) => ({
      code: null,
      language,
      sections: body.format === 'line-by-line' ? parseSections(output, lineCount) : null,
    }),
    omittedTurns,
  };
}

/**
 * The earlier turns as the prompt builders take them. In a thread, the
 * first Explain turn carries the code and later ones questions about it.
 */
function threadOf(earlier: PriorTurn[]): EarlierTurn[] {
  const firstExplain = earlier.findIndex((t) => t.kind === 'explain');
  return earlier.map((t, i) => ({
    sent: t.kind === 'generate' ? 'request' : i === firstExplain ? 'code' : 'question',
    input: t.input,
    output: t.output,
    language: normalizeLanguage(t.language) ?? 'any',
  }));
}

/**
 * The prompt with as many of the thread's latest turns as fit the model's
 * context less the answer's maxTokens, by estimatePromptTokens (prompts.ts:
 * a conservative count without the tokenizer). The oldest turns not `kept`
 * go first, a whole turn (request and answer) at a time; the new request
 * always stays. If it does not fit even alone, it goes as it is, and the
 * engine reports the prompt too long as it does for any request.
 */
function fitThread(
  models: ModelRegistry,
  model: ModelEntry,
  params: GenerationParams,
  thread: EarlierTurn[],
  keep: (turn: EarlierTurn) => boolean,
  build: (kept: EarlierTurn[]) => BuiltPrompt,
): { built: BuiltPrompt; omittedTurns: number } {
  const budget = models.maxTokensOf(model) - params.maxTokens;
  let kept = thread;
  let built = build(kept);
  while (estimatePromptTokens(built.input) > budget) {
    const oldest = kept.findIndex((t) => !keep(t));
    if (oldest < 0) {
      break;
    }
    kept = kept.filter((_, i) => i !== oldest);
    built = build(kept);
  }
  return { built, omittedTurns: thread.length - kept.length };
}

/** The request's sampling settings over the model's defaults; maxTokens within the model's context. */
function samplingParams(
  models: ModelRegistry,
  model: ModelEntry,
  body: { temperature?: number; maxTokens?: number; topP?: number },
  stop: string[],
): GenerationParams {
  const defaults = models.defaultsOf(model);
  const limit = models.maxTokensOf(model);
  const maxTokens = body.maxTokens ?? Math.min(defaults.maxTokens, limit);
  if (maxTokens > limit) {
    throw new InvalidInputError(undefined, {
      fields: { maxTokens: `Max tokens must be between 1 and ${limit} for ${model.name}.` },
    });
  }
  return {
    temperature: body.temperature ?? defaults.temperature,
    topP: body.topP ?? defaults.topP,
    maxTokens,
    stop: [...new Set(stop)],
  };
}
