import type { ModelEntry } from './catalogue.js';
import type { ModelInput } from './provider.port.js';
import { LANGUAGE_NAMES, type CodeLanguage, type Language } from '../../shared/languages.js';

/**
 * Every prompt CodeGenie sends to a model is built here. Chat models get a
 * system prompt; base (completion) models get a prompt shaped like the code
 * they were trained on, with stop sequences so they end where the answer does.
 */

export { LANGUAGES, normalizeLanguage, type Language } from '../../shared/languages.js';

export const EXPLAIN_LEVELS = ['beginner', 'intermediate', 'expert'] as const;
export type ExplainLevel = (typeof EXPLAIN_LEVELS)[number];
export type ExplainFormat = 'overview' | 'line-by-line';

const DISPLAY_NAME = LANGUAGE_NAMES;

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

export interface BuiltPrompt {
  input: ModelInput;
  /** Stop sequences the prompt style needs (merged with the user's). */
  stop: string[];
}

const COMPLETION_STOPS = ['<|endoftext|>', '</s>', '<|im_end|>', '<|end|>', '<eos>'];

function commentBlock(prefix: string, text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => `${prefix} ${line}`.trimEnd())
    .join('\n');
}

/** The prompt for "write code that does X". */
export function buildGeneratePrompt(model: ModelEntry, prompt: string, language: Language): BuiltPrompt {
  if (model.promptStyle === 'chat') {
    const lang = language === 'any' ? 'the most suitable language' : DISPLAY_NAME[language];
    const fence = language === 'any' ? 'the language name' : language;
    return {
      input: {
        style: 'chat',
        messages: [
          {
            role: 'system',
            content:
              `You are CodeGenie, an expert programmer. Write correct, idiomatic, well-commented code in ${lang} ` +
              `for the user's request. Answer with one fenced code block labelled with ${fence}, followed by at most ` +
              'three short sentences on how to use it. Do not repeat the request.',
          },
          { role: 'user', content: prompt },
        ],
      },
      stop: [],
    };
  }
  const lang = language === 'any' ? COMPLETION_FALLBACK : language;
  const c = LINE_COMMENT[lang];
  const header = lang === 'python' ? '' : lang === 'bash' ? '#!/usr/bin/env bash\n' : '';
  // A comment stating the task, then the start of the code: the way code
  // appears in the repositories base models learned from.
  return {
    input: {
      style: 'completion',
      prompt: `${header}${c} Language: ${DISPLAY_NAME[lang]}\n${c} Task:\n${commentBlock(c, prompt)}\n${c} Solution:\n`,
    },
    stop: [...COMPLETION_STOPS, `\n${c} Task:`, `\n${c} Language:`, '\n```'],
  };
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

/** The prompt for "explain this code". */
export function buildExplainPrompt(
  model: ModelEntry,
  code: string,
  language: Language,
  level: ExplainLevel,
  format: ExplainFormat,
): BuiltPrompt {
  const lang = language === 'any' ? '' : DISPLAY_NAME[language];
  const fenceLabel = language === 'any' ? '' : language;
  const lineCount = code.split(/\r?\n/).length;
  if (format === 'line-by-line') {
    const instructions =
      `Explain the ${lang} code below for ${LEVEL_GUIDE[level]}. Split it into consecutive sections of related lines ` +
      `that together cover every line from 1 to ${lineCount}, in order. Answer only with JSON of the form ` +
      '{"sections": [{"startLine": 1, "endLine": 3, "explanation": "..."}]}.';
    if (model.promptStyle === 'chat') {
      return {
        input: {
          style: 'chat',
          messages: [
            { role: 'system', content: `You are CodeGenie, a patient programming teacher. ${instructions}` },
            { role: 'user', content: `Code with line numbers:\n${numbered(code)}` },
          ],
        },
        stop: [],
      };
    }
    return {
      input: {
        style: 'completion',
        prompt: `${instructions}\n\nCode with line numbers:\n${numbered(code)}\n\nJSON:\n`,
      },
      stop: [...COMPLETION_STOPS, '\n\n\n'],
    };
  }
  if (model.promptStyle === 'chat') {
    return {
      input: {
        style: 'chat',
        messages: [
          {
            role: 'system',
            content:
              `You are CodeGenie, a patient programming teacher. Explain code for ${LEVEL_GUIDE[level]}. ` +
              'Start with a one-sentence summary, then explain how it works. Use Markdown; quote code in backticks.',
          },
          { role: 'user', content: `Explain this ${lang} code:\n\`\`\`${fenceLabel}\n${code}\n\`\`\`` },
        ],
      },
      stop: [],
    };
  }
  return {
    input: {
      style: 'completion',
      prompt: `\`\`\`${fenceLabel}\n${code}\n\`\`\`\n\nExplanation of the code above, for ${LEVEL_GUIDE[level]}:\n\n`,
    },
    stop: [...COMPLETION_STOPS, '\n```', '\n\n\n\n'],
  };
}
