import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { Catalogue } from '../models/catalogue.js';
import { ModelRegistry } from '../models/model-registry.js';
import { promptText } from '../models/prompt-formats.js';
import type { ModelInput } from '../models/provider.port.js';
import { planExplain, planGenerate, type GenerationPlan } from '../services/generation-plan.js';
import { explainBodySchema, generateBodySchema } from '../../shared/generation.schemas.js';

export const PROMPT_USAGE = `  prompt <id> --task generate|explain [--language L] [--format overview|line-by-line] --text "..."
               Print the exact prompt the engine would send to the model (control
               tokens written out), then what generation stops on. Loads no weights.
`;

/** What `prompt` writes: the prompt on stdout, notes about it on stderr. */
export interface PromptOutput {
  stdout: string;
  stderr: string;
}

/** A usage problem, reported with the usage text and exit code 2. */
export class PromptUsageError extends Error {}

/**
 * `npm run models -- prompt ...`: builds the prompt through the same plan as
 * the web app's requests (generation-plan.ts), so what it prints is what a
 * model is sent.
 */
export function renderPromptCommand(catalogue: Catalogue, args: string[]): PromptOutput {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        task: { type: 'string' },
        language: { type: 'string' },
        format: { type: 'string' },
        text: { type: 'string' },
      },
    });
  } catch (error) {
    throw new PromptUsageError(error instanceof Error ? error.message : String(error));
  }
  const { positionals, values } = parsed;
  const [modelId] = positionals;
  if (positionals.length !== 1 || modelId === undefined) {
    throw new PromptUsageError('prompt takes one model id.');
  }
  if (values.task !== 'generate' && values.task !== 'explain') {
    throw new PromptUsageError('--task must be generate or explain.');
  }
  if (values.text === undefined) {
    throw new PromptUsageError('--text is required: the request (generate) or the code (explain).');
  }
  return describe(planFor(values.task, new ModelRegistry(catalogue, {}), modelId, values));
}

/** The body as the API would read it; a usage error naming the bad fields. */
function bodyOf<T>(schema: z.ZodType<T>, input: unknown): T {
  const body = schema.safeParse(input);
  if (!body.success) {
    throw new PromptUsageError(body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return body.data;
}

function planFor(
  task: 'generate' | 'explain',
  registry: ModelRegistry,
  modelId: string,
  values: { language?: string | undefined; format?: string | undefined; text?: string | undefined },
): GenerationPlan {
  const language = values.language ?? 'any';
  if (task === 'generate') {
    if (values.format !== undefined) {
      throw new PromptUsageError('--format is for --task explain.');
    }
    return planGenerate(registry, bodyOf(generateBodySchema, { modelId, prompt: values.text, language }));
  }
  const format = values.format ?? 'overview';
  return planExplain(registry, bodyOf(explainBodySchema, { modelId, code: values.text, language, format }));
}

function describe(plan: GenerationPlan): PromptOutput {
  const { model } = plan;
  const input: ModelInput = plan.built.input;
  if (input.style === 'chat') {
    const stdout = input.messages.map((m) => `[${m.role}]\n${m.content}\n`).join('\n');
    const stops = plan.params.stop;
    return {
      stdout,
      stderr:
        `${model.name} (${model.id}): messages for /chat/completions; the server applies the model's own chat template.\n` +
        (stops.length > 0 ? `Stops on: ${stops.map((s) => JSON.stringify(s)).join(', ')}\n` : ''),
    };
  }
  const stops = [
    ...input.prompt.stop.map((s) => `${JSON.stringify(s.text)}${s.special ? ' (control token)' : ''}`),
    ...plan.params.stop.map((s) => JSON.stringify(s)),
  ];
  const where =
    model.provider === 'local'
      ? 'sent to llama.cpp as it is'
      : 'sent to /completions without the BOS token, which the server adds';
  return {
    stdout: promptText(input.prompt, { withBos: true }),
    stderr:
      `\n---\n${model.name} (${model.id}), format ${input.prompt.format}: ${where}.\n` +
      `Stops on: ${stops.join(', ')}\n` +
      (plan.built.codePrefix === '' ? '' : 'The answer continues the code at the end of the prompt.\n'),
  };
}
