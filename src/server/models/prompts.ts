import type { ModelEntry } from './catalogue.js';
import { ModelCannotExplainError } from './model-errors.js';
import {
  renderCompletion,
  renderConversation,
  type Conversation,
  type PromptFormat,
} from './prompt-formats.js';
import type { ModelInput } from './provider.port.js';
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

/** The prompt for "write code that does X". */
export function buildGeneratePrompt(model: ModelEntry, prompt: string, language: Language): BuiltPrompt {
  if (model.format !== 'completion') {
    const lang = language === 'any' ? 'the most suitable language' : LANGUAGE_NAMES[language];
    const fence = language === 'any' ? 'the language name' : language;
    const system =
      `You are CodeGenie, an expert programmer. Write correct, idiomatic, well-commented code in ${lang} ` +
      `for the user's request. Answer with one fenced code block labelled with ${fence}, followed by at most ` +
      'three short sentences on how to use it. Do not repeat the request.';
    return {
      input: instructionInput(model.format, { system, turns: [{ role: 'user', content: prompt }] }),
      codePrefix: '',
    };
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

/**
 * The prompt for "explain this code". `language` is the one the user chose
 * or the one detected from the code; "any" only when neither is known.
 */
export function buildExplainPrompt(
  model: ModelEntry,
  code: string,
  language: Language,
  level: ExplainLevel,
  format: ExplainFormat,
): BuiltPrompt {
  if (model.format === 'completion') {
    throw new ModelCannotExplainError(model.name);
  }
  const theCode = language === 'any' ? 'the code' : `the ${LANGUAGE_NAMES[language]} code`;
  const lineCount = code.split(/\r?\n/).length;
  if (format === 'line-by-line') {
    const system =
      `You are CodeGenie, a patient programming teacher. Explain ${theCode} below for ${LEVEL_GUIDE[level]}. ` +
      `Split it into consecutive sections of related lines that together cover every line from 1 to ${lineCount}, ` +
      'in order. Answer only with JSON of the form ' +
      '{"sections": [{"startLine": 1, "endLine": 3, "explanation": "..."}]}.';
    return {
      input: instructionInput(model.format, {
        system,
        turns: [{ role: 'user', content: `Code with line numbers:\n${numbered(code)}` }],
      }),
      codePrefix: '',
    };
  }
  const system =
    `You are CodeGenie, a patient programming teacher. Explain code for ${LEVEL_GUIDE[level]}. ` +
    'Start with a one-sentence summary, then explain how it works. Use Markdown; quote code in backticks.';
  const fenceLabel = language === 'any' ? '' : language;
  return {
    input: instructionInput(model.format, {
      system,
      turns: [
        {
          role: 'user',
          content: `Explain ${theCode.replace(/^the /, 'this ')}:\n\`\`\`${fenceLabel}\n${code}\n\`\`\``,
        },
      ],
    }),
    codePrefix: '',
  };
}
