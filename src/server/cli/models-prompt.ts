import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { Catalogue } from '../models/catalogue.js';
import { ModelRegistry } from '../models/model-registry.js';
import { promptText } from '../models/prompt-formats.js';
import type { ModelInput } from '../models/provider.port.js';
import {
  planExplain,
  planGenerate,
  type GenerationPlan,
  type PriorTurn,
} from '../services/generation-plan.js';
import { explainBodySchema, generateBodySchema } from '../../shared/generation.schemas.js';

export const PROMPT_USAGE = `  prompt <id> --task generate|explain [--language L] [--format overview|line-by-line]
         [--turn "..." --answer "..."]... --text "..."
               Print the exact prompt the engine would send to the model (control
               tokens written out), then what generation stops on. Loads no weights.
               Each --turn and --answer pair is an earlier turn of the thread,
               oldest first (explain: the code, then questions about it), and
               --text the follow-up; turns that would not fit are left out.
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
        turn: { type: 'string', multiple: true },
        answer: { type: 'string', multiple: true },
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
  const turns = values.turn ?? [];
  const answers = values.answer ?? [];
  if (turns.length !== answers.length) {
    throw new PromptUsageError('Give each --turn its --answer, oldest first.');
  }
  const task = values.task;
  const earlier = turns.map((input, i): PriorTurn => ({
    kind: task,
    input,
    output: answers[i] ?? '',
    language: values.language ?? 'any',
  }));
  return describe(planFor(task, new ModelRegistry(catalogue, {}), modelId, values, earlier));
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
  earlier: PriorTurn[],
): GenerationPlan {
  const language = values.language ?? 'any';
  if (task === 'generate') {
    if (values.format !== undefined) {
      throw new PromptUsageError('--format is for --task explain.');
    }
    return planGenerate(
      registry,
      bodyOf(generateBodySchema, { modelId, prompt: values.text, language }),
      earlier,
    );
  }
  const format = values.format ?? 'overview';
  return planExplain(
    registry,
    bodyOf(explainBodySchema, { modelId, code: values.text, language, format }),
    earlier,
  );
}

/** A note when the thread did not fit: how many earlier turns the prompt leaves out. */
function omittedNote(plan: GenerationPlan): string {
  if (plan.omittedTurns === 0) {
    return '';
  }
  const turns = plan.omittedTurns === 1 ? '1 earlier turn' : `${plan.omittedTurns} earlier turns`;
  return `Left out ${turns}, the oldest: the thread does not fit the context of ${plan.model.name} with room for ${plan.params.maxTokens} tokens of answer.\n`;
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
        (stops.length > 0 ? `Stops on: ${stops.map((s) => JSON.stringify(s)).join(', ')}\n` : '') +
        omittedNote(plan),
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
      (plan.built.codePrefix === '' ? '' : 'The answer continues the code at the end of the prompt.\n') +
      omittedNote(plan),
  };
}
