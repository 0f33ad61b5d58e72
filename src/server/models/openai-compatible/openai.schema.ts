import { z } from 'zod';
import { PROMPT_FORMATS } from '../prompt-formats.js';

/** Catalogue fields of a model behind an OpenAI-compatible server. */
export const openAiModelFields = {
  provider: z.literal('openai-compatible'),
  /**
   * `chat` (default): messages to /chat/completions, and the server applies
   * the model's own template. A text format: CodeGenie renders the prompt
   * and sends it to /completions.
   */
  format: z.enum(PROMPT_FORMATS).default('chat'),
  /** e.g. https://router.huggingface.co/v1, http://127.0.0.1:11434/v1 (Ollama). */
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /** The model name the server expects. */
  model: z.string().min(1),
  /** Name of the environment variable holding the API key (e.g. HF_TOKEN); none for local servers. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as HF_TOKEN')
    .optional(),
};
