import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import { checkLocalPins, localModelFields } from './local/local.schema.js';
import { checkServerUrls, openAiModelFields } from './openai-compatible/openai.schema.js';
import { MODEL_TASKS, tasksOfFormat, type ModelTask, type PromptFormat } from './prompt-formats.js';

/** The catalogue shipped with CodeGenie (config/models.yaml at the project root). */
export const SHIPPED_CATALOGUE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../config/models.yaml',
);

const defaultsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).optional(),
  topP: z.number().gt(0).max(1).optional(),
});

const commonFields = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be lower-case letters, digits, . _ or - (at most 64)'),
  name: z.string().min(1).max(80),
  description: z.string().max(500).optional(),
  /**
   * What the model may be asked to do; default: what its format can do
   * (base `completion` models only generate).
   */
  tasks: z.array(z.enum(MODEL_TASKS)).min(1).optional(),
  /** Tokens the model can attend to (prompt and answer together). */
  contextLength: z.number().int().min(256).max(1_048_576).optional(),
  defaults: defaultsSchema.optional(),
  license: z.string().max(100).optional(),
};

/** One discriminated union, keyed by `provider`; each provider owns its fields. */
export const modelEntrySchema = z.discriminatedUnion('provider', [
  z.strictObject({ ...commonFields, ...localModelFields }),
  z.strictObject({ ...commonFields, ...openAiModelFields }),
]);

export const catalogueSchema = z
  .strictObject({
    defaultModel: z.string(),
    models: z.array(modelEntrySchema).min(1, 'must list at least one model'),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.models.forEach((m, i) => {
      if (m.provider === 'local') {
        checkLocalPins(m, (field, message) => {
          ctx.addIssue({ code: 'custom', path: ['models', i, field], message });
        });
      } else {
        checkServerUrls(m, (field, message) => {
          ctx.addIssue({ code: 'custom', path: ['models', i, field], message });
        });
      }
      if (m.tasks !== undefined && !m.tasks.includes('generate')) {
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'tasks'],
          message: 'must include generate: every model writes code',
        });
      }
      for (const task of m.tasks ?? []) {
        if (!tasksOfFormat(m.format).includes(task)) {
          ctx.addIssue({
            code: 'custom',
            path: ['models', i, 'tasks'],
            message: `a "${m.format}" model cannot ${task}: it only completes code`,
          });
        }
      }
      if (seen.has(m.id)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate id "${m.id}"` });
      }
      seen.add(m.id);
    });
    if (!seen.has(c.defaultModel)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultModel'],
        message: `"${c.defaultModel}" is not the id of a listed model`,
      });
    }
  });

export type ModelEntry = z.infer<typeof modelEntrySchema>;
export type LocalModelEntry = Extract<ModelEntry, { provider: 'local' }>;
export type OpenAiModelEntry = Extract<ModelEntry, { provider: 'openai-compatible' }>;

export interface Catalogue {
  defaultModel: string;
  models: ModelEntry[];
  /** The file it was read from. */
  file: string;
}

const PROMPT_FORMAT_LIST = 'chatml, deepseek-coder, gemma, phi-2, completion, or chat for a remote server';

/** The tasks a model may be asked to do. */
export function tasksOf(model: { format: PromptFormat; tasks?: ModelTask[] | undefined }): ModelTask[] {
  return model.tasks ?? tasksOfFormat(model.format);
}

/** Thrown for an unreadable or invalid catalogue, naming the entry and field. */
export class CatalogueError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid model catalogue ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogueError';
  }
}

/** Describes an issue path as "models[2] (id "phi-2").field". */
function describePath(raw: unknown, issuePath: ReadonlyArray<PropertyKey>): string {
  const [first, index, ...rest] = issuePath;
  if (first === 'models' && typeof index === 'number') {
    const entry = (raw as { models?: unknown[] }).models?.[index] as { id?: unknown } | undefined;
    const id = typeof entry?.id === 'string' ? ` (id "${entry.id}")` : '';
    return `models[${index}]${id}${rest.length > 0 ? `.${rest.map(String).join('.')}` : ''}`;
  }
  return issuePath.map(String).join('.') || '(root)';
}

/** Parses catalogue text (JSON or YAML; JSON is YAML) and validates it. */
export function parseCatalogue(text: string, file: string): Catalogue {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (error) {
    throw new CatalogueError(file, [
      `not valid JSON or YAML: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  const parsed = catalogueSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CatalogueError(
      file,
      parsed.error.issues.map((i) => {
        if (i.code === 'unrecognized_keys' && i.keys.includes('downloadSize')) {
          return `${describePath(raw, i.path)}: "downloadSize" was replaced by "size" (the exact size in bytes) and "sha256"`;
        }
        if (i.code === 'unrecognized_keys' && i.keys.includes('promptStyle')) {
          return `${describePath(raw, i.path)}: "promptStyle" was replaced by "format" (one of ${PROMPT_FORMAT_LIST}; see the README's Models section)`;
        }
        if (i.code === 'unrecognized_keys') {
          return `${describePath(raw, i.path)}: unknown field ${i.keys.map((k) => `"${k}"`).join(', ')}`;
        }
        return `${describePath(raw, i.path)}: ${i.message}`;
      }),
    );
  }
  return { ...parsed.data, file };
}

/** Reads MODELS_FILE, or the shipped catalogue. */
export function loadCatalogue(file: string = SHIPPED_CATALOGUE): Catalogue {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CatalogueError(file, [
      `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    ]);
  }
  return parseCatalogue(text, file);
}
