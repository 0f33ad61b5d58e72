import type { ModelEntry } from './catalogue.js';
import { ModelCannotExplainError, ModelCannotFollowUpError } from './model-errors.js';
import {
  renderCompletion,
  renderConversation,
  type Conversation,
  type PromptFormat,
} from './prompt-formats.js';
import type { ChatMessage, ModelInput } from './provider.port.js';
import { LANGUAGE_NAMES, type CodeLanguage, type Language } from '../../shared/languages.js';
import type { ExplainFormat, ExplainLevel } from '../../shared/generation.schemas.js';

/**
 * Every prompt CodeGenie sends to a model is built here: what to ask
 * (CodeGenie's instructions and the user's request), rendered in the
 * model's own format (prompt-formats.ts). Instruction models get a
 * conversation; base (completion) models get a prompt shaped like the code
 * they were trained on.
 */

export { LANGUAGES, normalizeLanguage, type Language } from '../../shared/languages.js';

const LINE_COMMENT: Record<CodeLanguage, string> = {
  python: '#',
  bash: '#',
  sql: '--',
  javascript: '//',
  typescript: '//',
  java: '//',
  c: '//',
  cpp: '//',
  csharp: '//',
  go: '//',
  rust: '//',
};

/** Base models are prompted in this language when the user picks "any". */
const COMPLETION_FALLBACK: CodeLanguage = 'python';

/**
 * Where a base model's continuation of Python code ends: the next statement
 * at the top level (the stop list of the HumanEval paper's Codex harness),
 * used when the user gave code for the model to continue.
 */
const PYTHON_TOP_LEVEL_STOPS = ['\ndef ', '\nclass ', '\nif ', '\nprint(', '\n#'];

/**
 * An earlier turn of a thread, shown to the model again before the new
 * request: what the user sent, and the model's answer. In an Explain thread
 * the first turn carries the code and later turns questions about it.
 */
export interface EarlierTurn {
  /** A request for code (Generate), code to explain, or a question about the code explained earlier. */
  sent: 'request' | 'code' | 'question';
  input: string;
  output: string;
  language: Language;
}

export interface BuiltPrompt {
  input: ModelInput;
  /**
   * Code the answer continues (a base model given the start of a
   * function): the answer's code is this followed by the output.
   */
  codePrefix: string;
}

/** The first fenced block of a request, and the words around it. */
function splitRequest(request: string): { words: string; code: string | undefined } {
  const match = /```[^\n`]*\n([\s\S]*?)\n?```/.exec(request);
  if (!match) {
    return { words: request.trim(), code: undefined };
  }
  const words = [request.slice(0, match.index), request.slice(match.index + match[0].length)]
    .map((w) => w.trim())
    .filter((w) => w !== '')
    .join('\n\n');
  return { words, code: match[1] ?? '' };
}

function commentBlock(prefix: string, text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => `${prefix} ${line}`.trimEnd())
    .join('\n');
}

/** A conversation rendered in the model's format, or as messages for a server that applies its own template. */
function instructionInput(
  format: Exclude<PromptFormat, 'completion'>,
  conversation: Conversation,
): ModelInput {
  if (format === 'chat') {
    return {
      style: 'chat',
      messages: [{ role: 'system', content: conversation.system }, ...conversation.turns],
    };
  }
  return { style: 'text', prompt: renderConversation(format, conversation) };
}

/** How the code of an earlier turn is shown: as the explanation format asks, in the language given or its own. */
interface CodeShown {
  format: ExplainFormat;
  language?: Language;
}

/**
 * The earlier turns as alternating user and assistant messages, as the
 * model was first sent them (a request or question as written, code as
 * `codeMessage` shows it), then the new request.
 */
function threadTurns(earlier: EarlierTurn[], shown: CodeShown, current: string): ChatMessage[] {
  return [
    ...earlier.flatMap((turn): ChatMessage[] => [
      {
        role: 'user',
        content:
          turn.sent === 'code'
            ? codeMessage(turn.input, shown.language ?? turn.language, shown.format)
            : turn.input,
      },
      { role: 'assistant', content: turn.output },
    ]),
    { role: 'user', content: current },
  ];
}

/**
 * The prompt for "write code that does X", after the thread's earlier
 * turns (oldest first). A base (completion) model takes no earlier turns:
 * ModelCannotFollowUpError. It continues text and follows no instruction,
 * so "the previous code, then the change as a comment" gets more code after
 * the old code rather than the old code changed; an earlier answer of a
 * chat model (prose and a fenced block) or of a base model (stored without
 * the code the user started it with) is no sound start either. A clear
 * refusal beats an answer that silently is not the follow-up asked for.
 */
export function buildGeneratePrompt(
  model: ModelEntry,
  prompt: string,
  language: Language,
  earlier: EarlierTurn[] = [],
): BuiltPrompt {
  if (model.format !== 'completion') {
    const lang = language === 'any' ? 'the most suitable language' : LANGUAGE_NAMES[language];
    const fence = language === 'any' ? 'the language name' : language;
    const system =
      `You are CodeGenie, an expert programmer. Write correct, idiomatic, well-commented code in ${lang} ` +
      `for the user's request. Answer with one fenced code block labelled with ${fence}, followed by at most ` +
      'three short sentences on how to use it. Do not repeat the request.' +
      (earlier.length > 0 ? ' When the user asks for a change, answer with the whole changed code.' : '');
    return {
      input: instructionInput(model.format, {
        system,
        turns: threadTurns(earlier, { format: 'overview' }, prompt),
      }),
      codePrefix: '',
    };
  }
  if (earlier.length > 0) {
    throw new ModelCannotFollowUpError(model.name);
  }
  const lang = language === 'any' ? COMPLETION_FALLBACK : language;
  const c = LINE_COMMENT[lang];
  const header = lang === 'bash' ? '#!/usr/bin/env bash\n' : '';
  // The request as a comment, then the start of the code: the way code
  // appears in the repositories base models learned from. Code the user
  // gave (a signature, a docstring) is where the model carries on.
  const { words, code } = splitRequest(prompt);
  const task = words === '' ? 'Complete the code below.' : words;
  const codePrefix = code === undefined ? '' : `${code}\n`;
  const text =
    `${header}${c} Language: ${LANGUAGE_NAMES[lang]}\n${c} Task:\n${commentBlock(c, task)}\n${c} Solution:\n` +
    codePrefix;
  const stops = [`\n${c} Task:`, `\n${c} Language:`, '\n```'];
  if (codePrefix !== '' && lang === 'python') {
    stops.push(...PYTHON_TOP_LEVEL_STOPS);
  }
  return { input: { style: 'text', prompt: renderCompletion(text, stops) }, codePrefix };
}

/** The JSON a line-by-line explanation must follow. */
export const LINE_BY_LINE_SCHEMA = {
  type: 'object',
  properties: {
    sections: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          startLine: { type: 'integer' },
          endLine: { type: 'integer' },
          explanation: { type: 'string' },
        },
        required: ['startLine', 'endLine', 'explanation'],
        additionalProperties: false,
      },
    },
  },
  required: ['sections'],
  additionalProperties: false,
} as const;

const LEVEL_GUIDE: Record<ExplainLevel, string> = {
  beginner: 'a beginner who knows little programming: use plain words, explain every concept you mention',
  intermediate: 'a developer who knows the basics: focus on what the code does and why',
  expert: 'an expert: be concise, point out edge cases, complexity, pitfalls and improvements',
};

function numbered(code: string): string {
  return code
    .split(/\r?\n/)
    .map((line, i) => `${String(i + 1).padStart(3, ' ')} | ${line}`)
    .join('\n');
}

/** The code to explain as the user's message: fenced, or with line numbers for a line-by-line answer. */
function codeMessage(code: string, language: Language, format: ExplainFormat): string {
  if (format === 'overview') {
    const thisCode = language === 'any' ? 'this code' : `this ${LANGUAGE_NAMES[language]} code`;
    return `Explain ${thisCode}:\n\`\`\`${language === 'any' ? '' : language}\n${code}\n\`\`\``;
  }
  return `Code with line numbers:\n${numbered(code)}`;
}

/**
 * The prompt for "explain this code". `language` is the one the user chose
 * or the one detected from the code; "any" only when neither is known.
 * After earlier turns whose first carries the code (an Explain thread),
 * `input` is the user's question about that code ("what does line 7 do?"):
 * the code stays in its turn, shown in `language`, which is that code's.
 */
export function buildExplainPrompt(
  model: ModelEntry,
  input: string,
  language: Language,
  level: ExplainLevel,
  format: ExplainFormat,
  earlier: EarlierTurn[] = [],
): BuiltPrompt {
  if (model.format === 'completion') {
    throw new ModelCannotExplainError(model.name);
  }
  const codeTurn = earlier.find((t) => t.sent === 'code');
  const code = codeTurn?.input ?? input;
  const current = codeTurn === undefined ? codeMessage(input, language, format) : input;
  const theCode = language === 'any' ? 'the code' : `the ${LANGUAGE_NAMES[language]} code`;
  const followUps = codeTurn === undefined ? '' : ' Then answer follow-up questions about it';
  let system: string;
  if (format === 'line-by-line') {
    const lineCount = code.split(/\r?\n/).length;
    system =
      `You are CodeGenie, a patient programming teacher. Explain ${theCode} below for ${LEVEL_GUIDE[level]}. ` +
      `Split it into consecutive sections of related lines that together cover every line from 1 to ${lineCount}, ` +
      'in order. Answer only with JSON of the form ' +
      '{"sections": [{"startLine": 1, "endLine": 3, "explanation": "..."}]}.' +
      (followUps === '' ? '' : `${followUps} in the same JSON form, covering every line again.`);
  } else {
    system =
      `You are CodeGenie, a patient programming teacher. Explain code for ${LEVEL_GUIDE[level]}. ` +
      'Start with a one-sentence summary, then explain how it works. Use Markdown; quote code in backticks.' +
      (followUps === '' ? '' : `${followUps}.`);
  }
  return {
    input: instructionInput(model.format, {
      system,
      turns: threadTurns(earlier, { format, language }, current),
    }),
    codePrefix: '',
  };
}

/**
 * Tokens a chat message costs beyond its text when a remote server applies
 * a template we do not see: a role header and an end-of-turn marker (Llama
 * 3's is 5 tokens, ChatML's 4); the same again for the answer's cue and BOS.
 */
const CHAT_MESSAGE_OVERHEAD = 8;

/** The tokens of some text, estimated without the model's tokenizer (see estimatePromptTokens). */
function textTokens(value: string): number {
  const nonAscii = value.replace(/[\p{ASCII}]/gu, '').length;
  return Math.ceil((value.length - nonAscii) / 3) + nonAscii;
}

/**
 * A conservative estimate of the tokens of a prompt, for deciding at
 * planning time, without the model's tokenizer, how much of a thread fits
 * its context: every 3 ASCII characters of text (rounded up, per piece) a
 * token, every other UTF-16 unit a token of its own, and each control token
 * and BOS one; a remote chat's messages also count CHAT_MESSAGE_OVERHEAD
 * each, and once more for the answer's cue. BPE tokenizers of code models
 * average 3.5 to 4 characters of English or code per token, so this
 * overestimates: a thread loses an old turn a little early rather than
 * overflow. Should it still not fit (an odd tokenizer), the engine reports
 * the prompt too long, as for any request.
 */
export function estimatePromptTokens(input: ModelInput): number {
  if (input.style === 'chat') {
    return input.messages.reduce(
      (sum, m) => sum + CHAT_MESSAGE_OVERHEAD + textTokens(m.content),
      CHAT_MESSAGE_OVERHEAD,
    );
  }
  return input.prompt.parts.reduce((sum, p) => sum + (p.kind === 'text' ? textTokens(p.text) : 1), 0);
}
