import {
  LlamaChatSession,
  LlamaCompletion,
  type ChatHistoryItem,
  type GbnfJsonObjectSchema,
  type LlamaGrammar,
  type Token,
} from 'node-llama-cpp';
import type { ChatMessage, GenerationRequest } from '../provider.port.js';
import { PromptTooLongError } from '../model-errors.js';
import type { ModelLease } from './model-cache.js';

export interface GenerationRun {
  lease: ModelLease;
  request: GenerationRequest;
  /** Aborts decoding (the caller's signal combined with the timeouts). */
  signal: AbortSignal;
  /** Each piece of text as it is decoded. */
  onText: (text: string) => void;
}

export interface GenerationUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * Runs one generation on a free sequence of the leased model's context:
 * chat models through LlamaChatSession (system messages as its system
 * prompt, earlier turns as history, the last user message as the prompt),
 * completion models through LlamaCompletion. Throws PromptTooLongError
 * before decoding when the prompt leaves no room for an answer, and
 * whatever node-llama-cpp throws when `signal` aborts.
 */
export async function runGeneration({
  lease,
  request,
  signal,
  onText,
}: GenerationRun): Promise<GenerationUsage> {
  const { model, llama } = lease;
  const { params, input } = request;
  const sequence = lease.context.getSequence();
  let completionTokens = 0;
  const onToken = (tokens: Token[]): void => {
    completionTokens += tokens.length;
  };
  try {
    // The schema comes from our own prompt code; node-llama-cpp checks it at run time.
    const grammar: LlamaGrammar | undefined = params.jsonSchema
      ? await llama.createGrammarForJsonSchema(params.jsonSchema as GbnfJsonObjectSchema)
      : undefined;
    const stopTriggers = params.stop.filter((s) => s !== '');
    const common = {
      temperature: params.temperature,
      topP: params.topP,
      signal,
      onTextChunk: onText,
      onToken,
      ...(grammar ? { grammar } : {}),
      ...(stopTriggers.length > 0 ? { customStopTriggers: stopTriggers } : {}),
    };

    if (input.style === 'completion') {
      const promptTokens =
        model.tokenize(input.prompt).length +
        (model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? 1 : 0);
      const maxTokens = fitAnswer(promptTokens, params.maxTokens, sequence.contextSize, request.model.name);
      const completion = new LlamaCompletion({ contextSequence: sequence });
      try {
        await completion.generateCompletionWithMeta(input.prompt, {
          ...common,
          maxTokens,
          // The prompt was checked to fit: stop at the context's end rather
          // than silently dropping the start of the prompt.
          disableContextShift: true,
        });
      } finally {
        completion.dispose();
      }
      return { promptTokens, completionTokens };
    }

    const { systemPrompt, history, prompt } = splitConversation(input.messages);
    const session = new LlamaChatSession({
      contextSequence: sequence,
      ...(systemPrompt === undefined ? {} : { systemPrompt }),
    });
    try {
      if (history.length > 0) {
        session.setChatHistory([...session.getChatHistory(), ...history]);
      }
      const promptTokens = session.chatWrapper
        .generateContextState({
          chatHistory: [
            ...session.getChatHistory(),
            { type: 'user', text: prompt },
            { type: 'model', response: [] },
          ],
        })
        .contextText.tokenize(model.tokenizer).length;
      const maxTokens = fitAnswer(promptTokens, params.maxTokens, sequence.contextSize, request.model.name);
      await session.promptWithMeta(prompt, { ...common, maxTokens });
      return { promptTokens, completionTokens };
    } finally {
      session.dispose();
    }
  } finally {
    await sequence.dispose();
  }
}

/** The answer gets what the prompt leaves of the context, up to maxTokens. */
function fitAnswer(promptTokens: number, maxTokens: number, contextSize: number, modelName: string): number {
  if (promptTokens >= contextSize) {
    throw new PromptTooLongError(
      `The prompt is ${promptTokens} tokens long, but ${modelName} reads at most ${contextSize} tokens (prompt and answer together). Shorten it.`,
      { promptTokens, contextSize },
    );
  }
  return Math.max(1, Math.min(maxTokens, contextSize - promptTokens));
}

/** System messages become the system prompt; the last user message is the prompt; the rest is history. */
function splitConversation(messages: ChatMessage[]): {
  systemPrompt: string | undefined;
  history: ChatHistoryItem[];
  prompt: string;
} {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const turns = messages.filter((m) => m.role !== 'system');
  const last = turns.at(-1);
  const prompt = last?.role === 'user' ? last.content : '';
  const earlier = last?.role === 'user' ? turns.slice(0, -1) : turns;
  return {
    systemPrompt: system.length > 0 ? system.join('\n\n') : undefined,
    history: earlier.map((m): ChatHistoryItem =>
      m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] },
    ),
    prompt,
  };
}
