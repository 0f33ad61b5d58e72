import { z } from 'zod';
import { PROMPT_FORMATS } from '../prompt-formats.js';

const serverUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** Catalogue fields of a model behind an OpenAI-compatible server. */
export const openAiModelFields = {
  provider: z.literal('openai-compatible'),
  /**
   * `chat` (default): messages to /chat/completions, and the server applies
   * the model's own template. A text format: CodeGenie renders the prompt
   * and sends it to /completions.
   */
  format: z.enum(PROMPT_FORMATS).default('chat'),
  /** e.g. https://router.huggingface.co/v1, http://127.0.0.1:11434/v1 (Ollama). Or `baseUrls`. */
  baseUrl: serverUrl.optional(),
  /**
   * Replicas of one server (vLLM, TGI, Ollama on several machines), instead
   * of `baseUrl`: each request goes to the one with the fewest runs in flight.
   */
  baseUrls: z.array(serverUrl).min(1, 'must list at least one URL').optional(),
  /** The model name the server expects. */
  model: z.string().min(1),
  /** Name of the environment variable holding the API key (e.g. HF_TOKEN); none for local servers. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as HF_TOKEN')
    .optional(),
};

/** Exactly one of `baseUrl` and `baseUrls`, and no replica listed twice (the catalogue reports it). */
export function checkServerUrls(
  entry: { baseUrl?: string | undefined; baseUrls?: string[] | undefined },
  addIssue: (field: 'baseUrl' | 'baseUrls', message: string) => void,
): void {
  if (entry.baseUrl === undefined && entry.baseUrls === undefined) {
    addIssue('baseUrl', 'is required (or baseUrls, a list of replicas)');
  } else if (entry.baseUrl !== undefined && entry.baseUrls !== undefined) {
    addIssue('baseUrls', 'cannot be used together with baseUrl: list every replica in baseUrls');
  } else if (entry.baseUrls !== undefined) {
    const seen = new Set<string>();
    for (const url of entry.baseUrls.map(normalizeBaseUrl)) {
      if (seen.has(url)) {
        addIssue('baseUrls', `lists ${url} twice`);
      }
      seen.add(url);
    }
  }
}

/** A base URL without its trailing slashes: the form replicas are compared and keyed by. */
function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The model's servers: its `baseUrls`, or its one `baseUrl`, without trailing slashes. */
export function replicaUrls(entry: {
  baseUrl?: string | undefined;
  baseUrls?: string[] | undefined;
}): string[] {
  const urls = entry.baseUrls ?? (entry.baseUrl === undefined ? [] : [entry.baseUrl]);
  return urls.map(normalizeBaseUrl);
}
