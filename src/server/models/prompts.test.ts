import { describe, expect, it } from 'vitest';
import type { ModelEntry } from './catalogue.js';
import { buildExplainPrompt, buildGeneratePrompt, normalizeLanguage } from './prompts.js';

const chat: ModelEntry = {
  id: 'chat-model',
  name: 'Chat',
  provider: 'local',
  promptStyle: 'chat',
  source: '/models/chat.gguf',
};
const base: ModelEntry = { ...chat, id: 'base-model', promptStyle: 'completion' };

describe('buildGeneratePrompt', () => {
  it('gives chat models a system prompt naming the language and the user prompt as is', () => {
    const p = buildGeneratePrompt(chat, 'Reverse a linked list', 'rust');
    expect(p.input.style).toBe('chat');
    if (p.input.style !== 'chat') {
      return;
    }
    expect(p.input.messages[0]?.role).toBe('system');
    expect(p.input.messages[0]?.content).toContain('Rust');
    expect(p.input.messages[0]?.content).toContain('fenced code block');
    expect(p.input.messages[1]).toEqual({ role: 'user', content: 'Reverse a linked list' });
    expect(p.stop).toEqual([]);
  });

  it('gives base models a comment stating the task in the language, then the start of the code, and stops', () => {
    const p = buildGeneratePrompt(base, 'Add two numbers\nand return the sum', 'javascript');
    expect(p.input).toEqual({
      style: 'completion',
      prompt: '// Language: JavaScript\n// Task:\n// Add two numbers\n// and return the sum\n// Solution:\n',
    });
    expect(p.stop).toContain('\n// Task:');
    expect(p.stop).toContain('<|endoftext|>');
  });

  it('uses each language’s comment syntax, and Python for "any" on base models', () => {
    const sql = buildGeneratePrompt(base, 'Count users', 'sql');
    expect(sql.input.style === 'completion' && sql.input.prompt).toContain('-- Task:');
    const bash = buildGeneratePrompt(base, 'List files', 'bash');
    expect(bash.input.style === 'completion' && bash.input.prompt).toMatch(
      /^#!\/usr\/bin\/env bash\n# Language: Bash/,
    );
    const any = buildGeneratePrompt(base, 'Sort a list', 'any');
    expect(any.input.style === 'completion' && any.input.prompt).toContain('# Language: Python');
  });
});

describe('buildExplainPrompt', () => {
  const code = 'a = 1\nb = 2\nprint(a + b)';

  it('asks chat models for an overview at the chosen level', () => {
    const beginner = buildExplainPrompt(chat, code, 'python', 'beginner', 'overview');
    const expert = buildExplainPrompt(chat, code, 'python', 'expert', 'overview');
    const text = (p: typeof beginner) =>
      p.input.style === 'chat' ? p.input.messages.map((m) => m.content).join('\n') : '';
    expect(text(beginner)).toContain('beginner');
    expect(text(expert)).toContain('edge cases');
    expect(text(beginner)).toContain('```python\na = 1');
  });

  it('asks for JSON sections covering numbered lines for line by line', () => {
    const p = buildExplainPrompt(chat, code, 'python', 'intermediate', 'line-by-line');
    const all = p.input.style === 'chat' ? p.input.messages.map((m) => m.content).join('\n') : '';
    expect(all).toContain('"sections"');
    expect(all).toContain('from 1 to 3');
    expect(all).toContain('  3 | print(a + b)');
    const b = buildExplainPrompt(base, code, 'python', 'intermediate', 'line-by-line');
    expect(b.input.style === 'completion' && b.input.prompt.endsWith('JSON:\n')).toBe(true);
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
