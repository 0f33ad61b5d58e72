import {
  LlamaCompletion,
  LlamaText,
  SpecialToken,
  SpecialTokensText,
  type GbnfJsonObjectSchema,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import type { GenerationRequest } from '../provider.port.js';
import type { RenderedPrompt, StopSequence } from '../prompt-formats.js';
import { ModelUnavailableError, PromptTooLongError } from '../model-errors.js';
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
 * Runs one generation on a free sequence of the leased model's context. The
 * prompt comes rendered in the model's format (prompt-formats.ts) and is
 * sent as it is: control tokens as single tokens, everything else as plain
 * text (so a user who types "<|im_end|>" cannot end a turn), BOS only where
 * the format puts it (the cache loads every model with add_bos_token off).
 * Throws PromptTooLongError before decoding when the prompt leaves no room
 * for an answer, ModelUnavailableError when the file lacks the format's
 * control tokens, and whatever node-llama-cpp throws when `signal` aborts.
 */
export async function runGeneration({
  lease,
  request,
  signal,
  onText,
}: GenerationRun): Promise<GenerationUsage> {
  const { model, llama } = lease;
  const { params, input } = request;
  if (input.style !== 'text') {
    // prompts.ts renders every local model's prompt; messages reaching here are a bug.
    throw new Error('the local engine needs a rendered prompt');
  }
  const prompt = toLlamaText(input.prompt, model, request.model.name);
  // Tokenized once: the count decides the answer's room, and the tokens are what is sent.
  const tokens = prompt.tokenize(model.tokenizer);
  const promptTokens = tokens.length;
  const sequence = lease.context.getSequence();
  let completionTokens = 0;
  const onToken = (tokens: Token[]): void => {
    completionTokens += tokens.length;
  };
  try {
    const maxTokens = fitAnswer(promptTokens, params.maxTokens, sequence.contextSize, request.model.name);
    // The schema comes from our own prompt code; node-llama-cpp checks it at run time.
    const grammar: LlamaGrammar | undefined = params.jsonSchema
      ? await llama.createGrammarForJsonSchema(params.jsonSchema as GbnfJsonObjectSchema)
      : undefined;
    const stopTriggers = [
      ...stopTriggersOf(input.prompt.stop, model),
      ...params.stop.filter((s) => s !== ''),
    ];
    const completion = new LlamaCompletion({ contextSequence: sequence });
    try {
      await completion.generateCompletionWithMeta(tokens, {
        temperature: params.temperature,
        topP: params.topP,
        signal,
        onTextChunk: onText,
        onToken,
        maxTokens,
        ...(grammar ? { grammar } : {}),
        ...(stopTriggers.length > 0 ? { customStopTriggers: stopTriggers } : {}),
        // The prompt was checked to fit: stop at the context's end rather
        // than silently dropping the start of the prompt.
        disableContextShift: true,
      });
    } finally {
      completion.dispose();
    }
    return { promptTokens, completionTokens };
  } finally {
    await sequence.dispose();
  }
}

/** Whether `text` is one control token of the model's vocabulary. */
function isOneToken(model: LlamaModel, text: string): boolean {
  return model.tokenize(text, true).length === 1;
}

/** The rendered prompt as node-llama-cpp text: control tokens as such, the rest as plain text. */
function toLlamaText(prompt: RenderedPrompt, model: LlamaModel, modelName: string): LlamaText {
  const values = prompt.parts.map((part) => {
    switch (part.kind) {
      case 'text':
        return part.text;
      case 'bos':
        if (model.tokens.bos === null) {
          throw formatMismatch(modelName, prompt.format, 'a beginning-of-sequence token');
        }
        return new SpecialToken('BOS');
      case 'special':
        if (!isOneToken(model, part.text)) {
          throw formatMismatch(modelName, prompt.format, `the control token ${part.text}`);
        }
        return new SpecialTokensText(part.text);
    }
  });
  return LlamaText(values);
}

/**
 * Stop triggers: a control token as its token (it never shows as text), a
 * piece of text as text. A format's end token missing from the vocabulary
 * is skipped: llama.cpp still ends at the model's own end-of-generation tokens.
 */
function stopTriggersOf(stops: StopSequence[], model: LlamaModel): (string | LlamaText)[] {
  return stops.flatMap((stop): (string | LlamaText)[] => {
    if (!stop.special) {
      return [stop.text];
    }
    return isOneToken(model, stop.text) ? [LlamaText(new SpecialTokensText(stop.text))] : [];
  });
}

function formatMismatch(modelName: string, format: string, what: string): ModelUnavailableError {
  return new ModelUnavailableError(
    `${modelName}'s model file has no ${what}, which the "${format}" prompt format needs: the catalogue gives it the wrong format.`,
  );
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
