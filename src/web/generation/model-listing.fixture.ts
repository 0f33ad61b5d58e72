import type { ModelListing } from '../api/generation.api';

/**
 * For unit tests: a model as GET /api/models lists it (a ready chat model on
 * an OpenAI-compatible server, with the usual defaults), `fields` changed.
 */
export function modelListing(fields: Partial<ModelListing> = {}): ModelListing {
  return {
    id: 'm',
    name: 'M',
    description: '',
    provider: 'openai-compatible',
    format: 'chat',
    tasks: ['generate', 'explain'],
    followUps: true,
    status: 'ready',
    contextLength: 2048,
    defaults: { temperature: 0.2, maxTokens: 512, topP: 0.95 },
    isDefault: false,
    downloadSize: null,
    ...fields,
  };
}
