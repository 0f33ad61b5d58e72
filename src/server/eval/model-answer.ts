import type { ModelEntry } from '../models/catalogue.js';
import type { ModelRegistry } from '../models/model-registry.js';
import type { GenerationPlan } from '../services/generation-plan.js';
import type { GenerateBody } from '../../shared/generation.schemas.js';
import type { Problem } from './dataset.js';
import type { EvalSettings, ProblemResult } from './eval-run.js';

/** Asking the model for one answer, as plain eval and --repair both do. */

/** The Generate request eval sends: Python, with the run's sampling settings. */
export function generateBody(model: ModelEntry, prompt: string, settings: EvalSettings): GenerateBody {
  return {
    modelId: model.id,
    prompt,
    language: 'python' as const,
    temperature: settings.temperature,
    ...(settings.maxTokens === null ? {} : { maxTokens: settings.maxTokens }),
  };
}

/** Where an answer streams to: its text, its token count and when its first token came (ms after `started`). */
export interface AnswerSink {
  output: string;
  completionTokens: number;
  firstTokenMs: number | null;
}

/** Streams the plan's answer into `into` (what came before an error stays there). */
export async function streamAnswer(
  models: ModelRegistry,
  plan: GenerationPlan,
  signal: AbortSignal,
  into: AnswerSink,
  started: number,
): Promise<void> {
  for await (const chunk of models.providerFor(plan.model).generate({
    model: plan.model,
    input: plan.built.input,
    params: plan.params,
    signal,
  })) {
    if (chunk.type === 'token') {
      into.firstTokenMs ??= Math.round(performance.now() - started);
      into.output += chunk.text;
    } else {
      into.completionTokens = chunk.completionTokens;
    }
  }
}

/** A problem's result before anything happened: an error until the model has answered and the code has run. */
export function blankResult(problem: Problem, runMs: number | null): ProblemResult {
  return {
    taskId: problem.task_id,
    outcome: 'error',
    message: null,
    modelMs: 0,
    firstTokenMs: null,
    completionTokens: 0,
    runMs,
    output: '',
    code: null,
  };
}
