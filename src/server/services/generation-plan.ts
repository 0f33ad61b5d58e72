import { InvalidInputError } from '../errors.js';
import { tasksOf, type ModelEntry } from '../models/catalogue.js';
import { ModelCannotExplainError } from '../models/model-errors.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { detectLanguage, extractCode, parseSections } from '../models/output.js';
import {
  buildExplainPrompt,
  buildGeneratePrompt,
  LINE_BY_LINE_SCHEMA,
  type BuiltPrompt,
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

/** The plan of "write code that does X". */
export function planGenerate(
  models: ModelRegistry,
  body: GenerateBody,
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- earlier turns are rendered in the next commit
  earlier: PriorTurn[] = [],
): GenerationPlan {
  const model = models.get(body.modelId);
  const built = buildGeneratePrompt(model, body.prompt, body.language);
  return {
    model,
    built,
    params: samplingParams(models, model, body, body.stop ?? []),
    language: body.language,
    // A base model given the start of the code continues it: the answer is both.
    finish: (output) => ({ ...extractCode(built.codePrefix + output, body.language), sections: null }),
    omittedTurns: 0,
  };
}

/** The plan of "explain this code"; ModelCannotExplainError for a model that only completes code. */
export function planExplain(
  models: ModelRegistry,
  body: ExplainBody,
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- earlier turns are rendered in the next commit
  earlier: PriorTurn[] = [],
): GenerationPlan {
  const model = models.get(body.modelId);
  if (!tasksOf(model).includes('explain')) {
    throw new ModelCannotExplainError(model.name);
  }
  // The prompt names the language: the chosen one, else the one the code shows.
  const language = body.language === 'any' ? (detectLanguage(body.code) ?? 'any') : body.language;
  const built = buildExplainPrompt(model, body.code, language, body.level, body.format);
  const params = samplingParams(models, model, body, []);
  if (body.format === 'line-by-line') {
    params.jsonSchema = LINE_BY_LINE_SCHEMA;
  }
  const lineCount = body.code.split(/\r?\n/).length;
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
    omittedTurns: 0,
  };
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
