import { createHash } from 'node:crypto';
import type { LocalModelEntry, OpenAiModelEntry } from '../../src/server/models/catalogue.js';

/**
 * A local completion model downloaded from `source` and pinned to `bytes`
 * (their SHA-256 and size), as the catalogue lists a model to download.
 */
export function pinnedLocalModel(
  id: string,
  name: string,
  source: string,
  bytes: Buffer,
  fields: Partial<LocalModelEntry> = {},
): LocalModelEntry {
  return {
    id,
    name,
    provider: 'local',
    format: 'completion',
    source,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    ...fields,
  };
}

/** An OpenAI-compatible catalogue entry served by the test server at `baseUrl`. */
export function remoteModel(
  baseUrl: string,
  id: string,
  name: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    name,
    provider: 'openai-compatible',
    format: 'chat',
    baseUrl,
    model: id,
    contextLength: 4096,
    ...fields,
  };
}

/**
 * A remote chat model whose server is never called (port 9, where nothing
 * listens): for what CodeGenie would send it, its prompts and plans.
 */
export function offlineChatModel(fields: Partial<OpenAiModelEntry> = {}): OpenAiModelEntry {
  return {
    id: 'remote',
    name: 'Remote',
    provider: 'openai-compatible',
    format: 'chat',
    baseUrl: 'http://127.0.0.1:9/v1',
    model: 'coder',
    ...fields,
  };
}
