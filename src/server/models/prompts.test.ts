import { describe, expect, it } from 'vitest';
import { offlineChatModel } from '../../../test/helpers/catalogue.js';
import type { ModelEntry } from './catalogue.js';
import { ModelCannotExplainError, ModelCannotFollowUpError } from './model-errors.js';
import { promptText, renderCompletion } from './prompt-formats.js';
import {
  buildExplainPrompt,
  buildGeneratePrompt,
  estimatePromptTokens,
  normalizeLanguage,
  type BuiltPrompt,
  type EarlierTurn,
} from './prompts.js';

const local = (id: string, format: Extract<ModelEntry, { provider: 'local' }>['format']): ModelEntry => ({
  id,
  name: `Model ${id}`,
  provider: 'local',
  format,
  source: `/models/${id}.gguf`,
});
const chatml = local('qwen', 'chatml');
const gemma = local('gemma', 'gemma');
const base = local('base', 'completion');
const remoteChat = offlineChatModel();

/** The prompt as one string (rendered text, or the messages of a remote chat). */
function textOf(built: BuiltPrompt): string {
  return built.input.style === 'text'
    ? promptText(built.input.prompt, { withBos: true })
    : built.input.messages.map((m) => `[${m.role}] ${m.content}`).join('\n');
}

/** The stop strings of a text prompt (false for a remote chat's messages). */
function stopsOf(built: BuiltPrompt): string[] | false {
  return built.input.style === 'text' && built.input.prompt.stop.map((s) => s.text);
}

/** What a base model's Python prompt stops on: the end of text, and the start of another task or fence. */
const PYTHON_TASK_STOPS = ['<|endoftext|>', '\n# Task:', '\n# Language:', '\n```'];

describe('buildGeneratePrompt', () => {
  it('renders instruction models in their format with instructions naming the language and fence', () => {
    const built = buildGeneratePrompt(chatml, 'Reverse a linked list', 'rust');
    expect(built.codePrefix).toBe('');
    expect(textOf(built)).toBe(
      "<|im_start|>system\nYou are CodeGenie, an expert programmer. Write correct, idiomatic, well-commented code in Rust for the user's request. Answer with one fenced code block labelled with rust, followed by at most three short sentences on how to use it. Do not repeat the request.<|im_end|>\n" +
        '<|im_start|>user\nReverse a linked list<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('lets the model choose the language for "any"', () => {
    const text = textOf(buildGeneratePrompt(chatml, 'Sort a list', 'any'));
    expect(text).toContain('code in the most suitable language for');
    expect(text).toContain('labelled with the language name,');
  });

  it('gives Gemma, which has no system role, the instructions inside the user turn', () => {
    const text = textOf(buildGeneratePrompt(gemma, 'Parse a date', 'go'));
    expect(text).toMatch(
      /^<bos><start_of_turn>user\nYou are CodeGenie, an expert programmer\. Write .* in Go /,
    );
    expect(text).toContain('labelled with go,');
    expect(text).toContain('Do not repeat the request.\n\nParse a date<end_of_turn>\n<start_of_turn>model\n');
  });

  it('sends a remote chat model messages, for the server to apply its own template', () => {
    const built = buildGeneratePrompt(remoteChat, 'Add two numbers', 'python');
    expect(built.input.style).toBe('chat');
    expect(built.input.style === 'chat' && built.input.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
    ]);
    expect(textOf(built)).toContain('[user] Add two numbers');
  });

  it('gives base models the task as comments in the language, then the start of the code', () => {
    const built = buildGeneratePrompt(base, 'Add two numbers\nand return the sum', 'javascript');
    expect(built.input.style === 'text' && built.input.prompt.parts).toEqual([
      {
        kind: 'text',
        text: '// Language: JavaScript\n// Task:\n// Add two numbers\n// and return the sum\n// Solution:\n',
      },
    ]);
    expect(stopsOf(built)).toEqual(['<|endoftext|>', '\n// Task:', '\n// Language:', '\n```']);
    expect(built.codePrefix).toBe('');
  });

  it('uses each language’s comment syntax, and Python for "any" on base models', () => {
    expect(textOf(buildGeneratePrompt(base, 'Count users', 'sql'))).toBe(
      '-- Language: SQL\n-- Task:\n-- Count users\n-- Solution:\n',
    );
    expect(textOf(buildGeneratePrompt(base, 'List files', 'bash'))).toBe(
      '#!/usr/bin/env bash\n# Language: Bash\n# Task:\n# List files\n# Solution:\n',
    );
    expect(textOf(buildGeneratePrompt(base, 'Sort a list', 'any'))).toBe(
      '# Language: Python\n# Task:\n# Sort a list\n# Solution:\n',
    );
  });

  it('lets a base model continue code the request gives, stopping at the next top-level statement', () => {
    const request = 'Complete this function.\n```python\ndef add(a, b):\n    """Add a and b."""\n```\nThanks';
    const built = buildGeneratePrompt(base, request, 'python');
    expect(built.codePrefix).toBe('def add(a, b):\n    """Add a and b."""\n');
    expect(textOf(built)).toBe(
      '# Language: Python\n# Task:\n# Complete this function.\n#\n# Thanks\n# Solution:\ndef add(a, b):\n    """Add a and b."""\n',
    );
    expect(stopsOf(built)).toEqual([...PYTHON_TASK_STOPS, '\ndef ', '\nclass ', '\nif ', '\nprint(', '\n#']);
  });

  it('asks a base model to complete code that comes without words, with no Python stops for other languages', () => {
    const built = buildGeneratePrompt(base, '```js\nfunction add(a, b) {\n```', 'javascript');
    expect(textOf(built)).toBe(
      '// Language: JavaScript\n// Task:\n// Complete the code below.\n// Solution:\nfunction add(a, b) {\n',
    );
    expect(stopsOf(built)).not.toContain('\ndef ');
  });

  it.each([
    ['typescript', '// Language: TypeScript\n// Task:\n// Say hi\n// Solution:\n'],
    ['java', '// Language: Java\n// Task:\n// Say hi\n// Solution:\n'],
    ['c', '// Language: C\n// Task:\n// Say hi\n// Solution:\n'],
    ['cpp', '// Language: C++\n// Task:\n// Say hi\n// Solution:\n'],
    ['csharp', '// Language: C#\n// Task:\n// Say hi\n// Solution:\n'],
    ['go', '// Language: Go\n// Task:\n// Say hi\n// Solution:\n'],
    ['rust', '// Language: Rust\n// Task:\n// Say hi\n// Solution:\n'],
  ] as const)('writes the task for a base model in %s comments', (language, prompt) => {
    const built = buildGeneratePrompt(base, 'Say hi', language);
    expect(textOf(built)).toBe(prompt);
    expect(built.codePrefix).toBe('');
  });

  it('gives a base model no Python stops when there is no code to continue, and trims the request', () => {
    const built = buildGeneratePrompt(base, '  Sort a list\n', 'python');
    expect(textOf(built)).toBe('# Language: Python\n# Task:\n# Sort a list\n# Solution:\n');
    expect(built.codePrefix).toBe('');
    expect(stopsOf(built)).toEqual(PYTHON_TASK_STOPS);
  });

  it('takes code whose closing fence ends its last line as code to continue', () => {
    const built = buildGeneratePrompt(base, 'Finish this:\n```python\ndef add(a, b):```', 'python');
    expect(built.codePrefix).toBe('def add(a, b):\n');
    expect(textOf(built)).toBe('# Language: Python\n# Task:\n# Finish this:\n# Solution:\ndef add(a, b):\n');
  });
});

describe('buildExplainPrompt', () => {
  const code = 'a = 1\nb = 2\nprint(a + b)';

  it('asks for an overview at the chosen level, naming the language', () => {
    const beginner = textOf(buildExplainPrompt(chatml, code, 'python', 'beginner', 'overview'));
    const expert = textOf(buildExplainPrompt(chatml, code, 'python', 'expert', 'overview'));
    expect(beginner).toContain('a beginner who knows little programming');
    expect(expert).toContain('edge cases');
    expect(beginner).toContain(
      '<|im_start|>user\nExplain this Python code:\n```python\na = 1\nb = 2\nprint(a + b)\n```',
    );
  });

  it('says "this code" without a double space when the language is unknown', () => {
    const text = textOf(buildExplainPrompt(chatml, 'x', 'any', 'intermediate', 'overview'));
    expect(text).toContain('Explain this code:\n```\nx\n```');
    const lines = textOf(buildExplainPrompt(chatml, 'x', 'any', 'intermediate', 'line-by-line'));
    expect(lines).toContain('Explain the code below for');
    expect(lines).not.toContain('  code');
  });

  it('asks for JSON sections covering numbered lines for line by line', () => {
    const text = textOf(buildExplainPrompt(chatml, code, 'python', 'intermediate', 'line-by-line'));
    expect(text).toContain('Explain the Python code below for a developer who knows the basics');
    expect(text).toContain('{"sections": [{"startLine": 1, "endLine": 3, "explanation": "..."}]}');
    expect(text).toContain('every line from 1 to 3, in order');
    expect(text).toContain('Code with line numbers:\n  1 | a = 1\n  2 | b = 2\n  3 | print(a + b)');
  });

  it('gives Gemma the language and the line-by-line instructions in its user turn', () => {
    const text = textOf(buildExplainPrompt(gemma, code, 'python', 'expert', 'line-by-line'));
    expect(text).toMatch(
      /^<bos><start_of_turn>user\nYou are CodeGenie, a patient programming teacher\. Explain the Python code below for an expert/,
    );
    expect(text).toContain('Answer only with JSON of the form');
    expect(text).toContain('.\n\nCode with line numbers:\n  1 | a = 1');
  });

  it('renders the whole overview request exactly, with nothing for the answer to continue', () => {
    const built = buildExplainPrompt(chatml, code, 'python', 'intermediate', 'overview');
    expect(built.codePrefix).toBe('');
    expect(textOf(built)).toBe(
      '<|im_start|>system\nYou are CodeGenie, a patient programming teacher. Explain code for a developer who knows the basics: focus on what the code does and why. ' +
        'Start with a one-sentence summary, then explain how it works. Use Markdown; quote code in backticks.<|im_end|>\n' +
        '<|im_start|>user\nExplain this Python code:\n```python\na = 1\nb = 2\nprint(a + b)\n```<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('renders the whole line-by-line request exactly, with nothing for the answer to continue', () => {
    const built = buildExplainPrompt(chatml, code, 'python', 'beginner', 'line-by-line');
    expect(built.codePrefix).toBe('');
    expect(textOf(built)).toBe(
      '<|im_start|>system\nYou are CodeGenie, a patient programming teacher. Explain the Python code below for a beginner who knows little programming: use plain words, explain every concept you mention. ' +
        'Split it into consecutive sections of related lines that together cover every line from 1 to 3, in order. ' +
        'Answer only with JSON of the form {"sections": [{"startLine": 1, "endLine": 3, "explanation": "..."}]}.<|im_end|>\n' +
        '<|im_start|>user\nCode with line numbers:\n  1 | a = 1\n  2 | b = 2\n  3 | print(a + b)<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('refuses a base model, which cannot explain', () => {
    expect(() => buildExplainPrompt(base, code, 'python', 'beginner', 'overview')).toThrow(
      ModelCannotExplainError,
    );
    expect(() => buildExplainPrompt(base, code, 'python', 'beginner', 'overview')).toThrow(
      'Model base is a code-completion model: it writes code but cannot explain it.',
    );
  });
});

describe('normalizeLanguage', () => {
  it('maps fence labels and aliases', () => {
    expect(normalizeLanguage('py')).toBe('python');
    expect(normalizeLanguage('C++')).toBe('cpp');
    expect(normalizeLanguage('golang')).toBe('go');
    expect(normalizeLanguage('sh')).toBe('bash');
    expect(normalizeLanguage('brainfuck')).toBeUndefined();
    expect(normalizeLanguage(undefined)).toBeUndefined();
  });
});

describe('follow-ups in a thread', () => {
  const GEN_SYSTEM =
    "You are CodeGenie, an expert programmer. Write correct, idiomatic, well-commented code in Python for the user's request. " +
    'Answer with one fenced code block labelled with python, followed by at most three short sentences on how to use it. ' +
    'Do not repeat the request. When the user asks for a change, answer with the whole changed code.';
  const first: EarlierTurn = {
    sent: 'request',
    input: 'Write add(a, b)',
    output: '```python\ndef add(a, b):\n    return a + b\n```',
    language: 'python',
  };

  it('gives a chat model the earlier request and answer as turns before the new request', () => {
    const built = buildGeneratePrompt(chatml, 'Add type hints', 'python', [first]);
    expect(textOf(built)).toBe(
      `<|im_start|>system\n${GEN_SYSTEM}<|im_end|>\n<|im_start|>user\nWrite add(a, b)<|im_end|>\n` +
        `<|im_start|>assistant\n${first.output}<|im_end|>\n<|im_start|>user\nAdd type hints<|im_end|>\n` +
        '<|im_start|>assistant\n',
    );
    expect(built.codePrefix).toBe('');
  });

  it('sends a remote chat model the thread as messages', () => {
    const built = buildGeneratePrompt(remoteChat, 'Add type hints', 'python', [first]);
    expect(built.input).toEqual({
      style: 'chat',
      messages: [
        { role: 'system', content: GEN_SYSTEM },
        { role: 'user', content: 'Write add(a, b)' },
        { role: 'assistant', content: first.output },
        { role: 'user', content: 'Add type hints' },
      ],
    });
  });

  it('asks for the whole changed code only in a follow-up', () => {
    expect(textOf(buildGeneratePrompt(chatml, 'Write add', 'python'))).not.toContain('whole changed code');
  });

  it('refuses a follow-up to a base model, which continues text and follows no conversation', () => {
    const ask = (): BuiltPrompt => buildGeneratePrompt(base, 'Add type hints', 'python', [first]);
    expect(ask).toThrow(ModelCannotFollowUpError);
    expect(ask).toThrow(
      'Model base is a code-completion model: it cannot continue a conversation. Start a new request or pick a chat model.',
    );
    expect(stopsOf(buildGeneratePrompt(base, 'Add type hints', 'python', []))).toEqual(PYTHON_TASK_STOPS);
  });

  const codeTurn: EarlierTurn = {
    sent: 'code',
    input: 'a = 1\nb = 2\nprint(a + b)\nprint(a)',
    output: 'It prints 3, then 1.',
    language: 'python',
  };
  const question: EarlierTurn = { sent: 'question', input: 'Why 3?', output: '1 + 2.', language: 'any' };

  it('explains a follow-up question about the code the thread started with', () => {
    const built = buildExplainPrompt(chatml, 'What does line 4 do?', 'python', 'beginner', 'overview', [
      codeTurn,
      question,
    ]);
    expect(textOf(built)).toBe(
      '<|im_start|>system\nYou are CodeGenie, a patient programming teacher. Explain code for a beginner who knows little programming: use plain words, explain every concept you mention. ' +
        'Start with a one-sentence summary, then explain how it works. Use Markdown; quote code in backticks. ' +
        'Then answer follow-up questions about it.<|im_end|>\n' +
        '<|im_start|>user\nExplain this Python code:\n```python\na = 1\nb = 2\nprint(a + b)\nprint(a)\n```<|im_end|>\n' +
        '<|im_start|>assistant\nIt prints 3, then 1.<|im_end|>\n<|im_start|>user\nWhy 3?<|im_end|>\n' +
        '<|im_start|>assistant\n1 + 2.<|im_end|>\n<|im_start|>user\nWhat does line 4 do?<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('shows the thread’s code in the language the request names, not the one its turn recorded', () => {
    const text = textOf(
      buildExplainPrompt(chatml, 'Why?', 'python', 'expert', 'overview', [{ ...codeTurn, language: 'any' }]),
    );
    expect(text).toContain('<|im_start|>user\nExplain this Python code:\n```python\na = 1\n');
  });

  it('keeps line-by-line follow-ups on the numbered lines of the thread’s code, not of the question', () => {
    const text = textOf(
      buildExplainPrompt(gemma, 'More simply, please', 'python', 'beginner', 'line-by-line', [codeTurn]),
    );
    expect(text).toContain('every line from 1 to 4, in order');
    expect(text).toContain(
      'Then answer follow-up questions about it in the same JSON form, covering every line again.\n\n' +
        'Code with line numbers:\n  1 | a = 1\n  2 | b = 2\n  3 | print(a + b)\n  4 | print(a)<end_of_turn>\n',
    );
    expect(text).toContain(
      '<start_of_turn>model\nIt prints 3, then 1.<end_of_turn>\n<start_of_turn>user\nMore simply, please<end_of_turn>\n',
    );
  });

  it('explains new code after earlier requests, and shows explained code in a later request', () => {
    const explain = textOf(buildExplainPrompt(chatml, 'x = 1', 'python', 'expert', 'overview', [first]));
    expect(explain).not.toContain('follow-up');
    expect(explain).toContain(
      `<|im_start|>user\nWrite add(a, b)<|im_end|>\n<|im_start|>assistant\n${first.output}<|im_end|>\n` +
        '<|im_start|>user\nExplain this Python code:\n```python\nx = 1\n```<|im_end|>\n<|im_start|>assistant\n',
    );
    const generate = textOf(
      buildGeneratePrompt(chatml, 'Rewrite it in Go', 'go', [{ ...codeTurn, language: 'any' }]),
    );
    expect(generate).toContain(
      '<|im_start|>user\nExplain this code:\n```\na = 1\nb = 2\nprint(a + b)\nprint(a)\n```<|im_end|>\n',
    );
  });
});

describe('estimatePromptTokens', () => {
  it('counts 3 ASCII characters a token per piece, rounded up, other characters and control tokens 1 each', () => {
    const built = buildGeneratePrompt(base, 'x', 'python');
    expect(estimatePromptTokens(built.input)).toBe(Math.ceil(textOf(built).length / 3));
    const text = (prompt: string): number =>
      estimatePromptTokens({ style: 'text', prompt: renderCompletion(prompt, []) });
    expect(text('')).toBe(0);
    expect(text('abc')).toBe(1);
    expect(text('abcd')).toBe(2);
    expect(text('abcdef')).toBe(2);
    expect(text('été')).toBe(3);
    expect(text('ab😀')).toBe(3);
    const turn = buildGeneratePrompt(chatml, 'abcd', 'python');
    const parts = turn.input.style === 'text' ? turn.input.prompt.parts : [];
    expect(parts.filter((p) => p.kind !== 'text')).toHaveLength(5);
    expect(estimatePromptTokens(turn.input)).toBe(
      5 + parts.reduce((n, p) => n + (p.kind === 'text' ? Math.ceil(p.text.length / 3) : 0), 0),
    );
  });

  it('counts 8 tokens of template per message of a remote chat, and 8 for the answer’s cue', () => {
    expect(
      estimatePromptTokens({
        style: 'chat',
        messages: [
          { role: 'system', content: 'abcd' },
          { role: 'user', content: 'é' },
        ],
      }),
    ).toBe(8 + (8 + 2) + (8 + 1));
    expect(estimatePromptTokens({ style: 'chat', messages: [] })).toBe(8);
  });
});
