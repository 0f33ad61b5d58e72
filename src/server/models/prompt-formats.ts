import type { ChatMessage } from './provider.port.js';
import type { MODEL_TASKS, PROMPT_FORMATS, TEXT_FORMATS } from '../../shared/models.schemas.js';

/**
 * The prompt formats of the models CodeGenie runs, each written once from
 * its model card or the chat template in the model's tokenizer_config.json
 * (sources next to each format), and pinned by golden tests
 * (prompt-formats.test.ts). A catalogue entry names its format; nothing is
 * left to auto-detection, because a wrong format still "works" on random
 * weights and only shows as poor answers on real ones.
 */

export { MODEL_TASKS, PROMPT_FORMATS, TEXT_FORMATS } from '../../shared/models.schemas.js';
export type TextFormat = (typeof TEXT_FORMATS)[number];
export type PromptFormat = (typeof PROMPT_FORMATS)[number];
export type ModelTask = (typeof MODEL_TASKS)[number];

/**
 * One piece of a rendered prompt. `special` pieces are the model's control
 * tokens (one token each, never produced by tokenizing user text); `bos` is
 * the model's beginning-of-sequence token; `text` is ordinary text, in which
 * anything that looks like a control token stays plain text.
 */
export interface PromptPart {
  kind: 'bos' | 'special' | 'text';
  text: string;
}

/** Where generation ends: a control token of the model, or a piece of text. */
export interface StopSequence {
  text: string;
  special: boolean;
}

/** A prompt as the engine sends it. */
export interface RenderedPrompt {
  format: TextFormat;
  parts: PromptPart[];
  /** Generation stops before any of these. */
  stop: StopSequence[];
}

/**
 * A conversation for an instruction-following model: CodeGenie's
 * instructions, then alternating user and assistant turns ending with the
 * user's. Formats without a system role put the instructions at the start
 * of the first user turn, as their templates do.
 */
export interface Conversation {
  system: string;
  turns: ChatMessage[];
}

const bos = (text: string): PromptPart => ({ kind: 'bos', text });
const special = (text: string): PromptPart => ({ kind: 'special', text });
const text = (value: string): PromptPart => ({ kind: 'text', text: value });
const stopToken = (value: string): StopSequence => ({ text: value, special: true });
const stopText = (value: string): StopSequence => ({ text: value, special: false });

/** The turns after the instructions, checked to alternate and end with the user. */
function turnsOf(conversation: Conversation): ChatMessage[] {
  const turns = conversation.turns;
  turns.forEach((turn, i) => {
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== expected) {
      throw new Error(`turn ${i + 1} must be from the ${expected}, not the ${turn.role}`);
    }
  });
  if (turns.at(-1)?.role !== 'user') {
    throw new Error('a conversation must end with a user turn');
  }
  return turns;
}

/**
 * ChatML, as in the chat template of Qwen2.5-Coder Instruct:
 * `<|im_start|>{role}\n{content}<|im_end|>\n` per message, then
 * `<|im_start|>assistant\n`. No BOS (Qwen's tokenizer has none). The
 * template's default system text is used only when a conversation has no
 * system message, and CodeGenie's always has one. Stops on `<|im_end|>`
 * (the instruct models' eos_token) and `<|endoftext|>` (Qwen's end of text).
 */
function renderChatml(conversation: Conversation): RenderedPrompt {
  const parts: PromptPart[] = [];
  const message = (role: string, content: string): void => {
    parts.push(special('<|im_start|>'), text(`${role}\n${content}`), special('<|im_end|>'), text('\n'));
  };
  message('system', conversation.system);
  for (const turn of turnsOf(conversation)) {
    message(turn.role, turn.content);
  }
  parts.push(special('<|im_start|>'), text('assistant\n'));
  return { format: 'chatml', parts, stop: [stopToken('<|im_end|>'), stopToken('<|endoftext|>')] };
}

/**
 * The system text DeepSeek-Coder Instruct's chat template supplies when a
 * conversation has none (tokenizer_config.json of
 * deepseek-ai/deepseek-coder-1.3b-instruct; no final full stop).
 */
export const DEEPSEEK_CODER_SYSTEM =
  'You are an AI programming assistant, utilizing the Deepseek Coder model, developed by Deepseek Company, and you only answer questions related to computer science. For politically sensitive questions, security and privacy issues, and other non-computer science questions, you will refuse to answer';

/**
 * DeepSeek-Coder Instruct (chat template of deepseek-ai/deepseek-coder-1.3b-instruct,
 * rendered as transformers does): BOS, the system text, then
 * `### Instruction:\n{prompt}\n` and `### Response:\n{answer}\n<|EOT|>\n`
 * per turn, and `### Response:\n` to answer. The template writes a system
 * message as it is, straight before `### Instruction:`; its default system
 * text ends with a newline. The model was tuned with that default, so it
 * stays, followed by CodeGenie's instructions ending the same way. Stops on
 * `<|EOT|>` (the instruct model's eos_token, id 32021).
 */
function renderDeepseekCoder(conversation: Conversation): RenderedPrompt {
  const parts: PromptPart[] = [
    bos('<｜begin▁of▁sentence｜>'),
    text(`${DEEPSEEK_CODER_SYSTEM}\n${conversation.system}\n`),
  ];
  for (const turn of turnsOf(conversation)) {
    if (turn.role === 'user') {
      parts.push(text(`### Instruction:\n${turn.content}\n`));
    } else {
      parts.push(text(`### Response:\n${turn.content}\n`), special('<|EOT|>'), text('\n'));
    }
  }
  parts.push(text('### Response:\n'));
  return { format: 'deepseek-coder', parts, stop: [stopToken('<|EOT|>')] };
}

/**
 * Gemma (chat template of google/gemma-3-1b-it, as embedded in
 * ggml-org/gemma-3-1b-it-GGUF): BOS, then
 * `<start_of_turn>{user|model}\n{content}<end_of_turn>\n` per turn with the
 * content trimmed, and `<start_of_turn>model\n` to answer. Gemma has no
 * system role: the template puts the system text and a blank line at the
 * start of the first user turn. Stops on `<end_of_turn>` (id 106, with
 * `<eos>` the stop ids of Gemma 3's generation_config.json).
 */
function renderGemma(conversation: Conversation): RenderedPrompt {
  const parts: PromptPart[] = [bos('<bos>')];
  turnsOf(conversation).forEach((turn, i) => {
    const role = turn.role === 'user' ? 'user' : 'model';
    const prefix = i === 0 ? `${conversation.system}\n\n` : '';
    parts.push(
      special('<start_of_turn>'),
      text(`${role}\n${prefix}${turn.content.trim()}`),
      special('<end_of_turn>'),
      text('\n'),
    );
  });
  parts.push(special('<start_of_turn>'), text('model\n'));
  return { format: 'gemma', parts, stop: [stopToken('<end_of_turn>')] };
}

/**
 * Phi-2's QA form from its model card ("Intended Uses"):
 * `Instruct: {request}\nOutput:`; the model writes after `Output:`. Phi-2 is
 * a base model with no system role and no BOS: CodeGenie's instructions open
 * the first request. Earlier answers follow their `Output:`: Phi-2 has no
 * documented multi-turn instruction format (the card's "Alice: ... Bob:"
 * chat is a dialogue between people, not requests and answers), so a
 * thread chains the QA form its first turn already uses. Stops on
 * `<|endoftext|>` (its eos_token) and on the model starting a new
 * `Instruct:` of its own, which base models tend to do.
 */
function renderPhi2(conversation: Conversation): RenderedPrompt {
  const parts: PromptPart[] = [];
  turnsOf(conversation).forEach((turn, i) => {
    if (turn.role === 'user') {
      const prefix = i === 0 ? `${conversation.system}\n\n` : '';
      parts.push(text(`Instruct: ${prefix}${turn.content}\nOutput:`));
    } else {
      parts.push(text(` ${turn.content.trim()}\n`));
    }
  });
  return { format: 'phi-2', parts, stop: [stopToken('<|endoftext|>'), stopText('\nInstruct:')] };
}

/** Renders a conversation in an instruction format; `completion` models take no conversation. */
export function renderConversation(
  format: Exclude<TextFormat, 'completion'>,
  conversation: Conversation,
): RenderedPrompt {
  switch (format) {
    case 'chatml':
      return renderChatml(conversation);
    case 'deepseek-coder':
      return renderDeepseekCoder(conversation);
    case 'gemma':
      return renderGemma(conversation);
    case 'phi-2':
      return renderPhi2(conversation);
  }
}

/**
 * A raw prompt for a base (code-completion) model: no BOS and no control
 * tokens, as the Stable Code 3B and Replit Code v1.5 cards feed their
 * tokenizers plain code. Stops on `<|endoftext|>` and on `extraStops`.
 */
export function renderCompletion(prompt: string, extraStops: string[]): RenderedPrompt {
  return {
    format: 'completion',
    parts: [text(prompt)],
    stop: [stopToken('<|endoftext|>'), ...extraStops.map(stopText)],
  };
}

/** The whole prompt as one string, control tokens written out. */
export function promptText(prompt: RenderedPrompt, options: { withBos: boolean }): string {
  return prompt.parts
    .filter((p) => options.withBos || p.kind !== 'bos')
    .map((p) => p.text)
    .join('');
}

/** The tasks a format can do: base models only complete code. */
export function tasksOfFormat(format: PromptFormat): ModelTask[] {
  return format === 'completion' ? ['generate'] : ['generate', 'explain'];
}

/**
 * Whether a model of this format takes a turn after earlier ones (a
 * follow-up, or another version of a later turn): a base model continues
 * text and follows no instruction, so it is refused (`model_cannot_follow_up`).
 */
export function takesFollowUps(format: PromptFormat): boolean {
  return format !== 'completion';
}
