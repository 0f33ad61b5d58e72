import type { OpenAiModelEntry } from '../catalogue.js';
import { promptText } from '../prompt-formats.js';
import type { GenerationRequest } from '../provider.port.js';

/** The JSON body of /chat/completions or /completions. */
export function requestBody(
  model: OpenAiModelEntry,
  request: GenerationRequest,
  sendSchema: boolean,
): string {
  const { input, params } = request;
  // A rendered prompt goes out as text without the BOS token: completion
  // endpoints (vLLM, TGI, llama.cpp's server) add the model's BOS themselves.
  const body: Record<string, unknown> = {
    model: model.model,
    ...(input.style === 'chat'
      ? { messages: input.messages }
      : { prompt: promptText(input.prompt, { withBos: false }) }),
    stream: true,
    stream_options: { include_usage: true },
    temperature: params.temperature,
    max_tokens: params.maxTokens,
    top_p: params.topP,
  };
  const stop = [...(input.style === 'text' ? input.prompt.stop.map((s) => s.text) : []), ...params.stop];
  if (stop.length > 0) {
    body.stop = [...new Set(stop)];
  }
  if (sendSchema && params.jsonSchema !== undefined) {
    // Servers that accept it constrain decoding to the schema; the caller parses tolerantly either way.
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: 'answer', schema: params.jsonSchema, strict: true },
    };
  }
  return JSON.stringify(body);
}

/**
 * The prompt-token estimate for servers that send no usage chunk: characters
 * / 4 (all message contents for chat), rounded up, the usual rule of thumb
 * for English and code.
 */
export function estimatePromptTokens(request: GenerationRequest): number {
  const chars =
    request.input.style === 'chat'
      ? request.input.messages.reduce((sum, m) => sum + m.content.length, 0)
      : promptText(request.input.prompt, { withBos: false }).length;
  return Math.ceil(chars / 4);
}
