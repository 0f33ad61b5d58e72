import { describe, expect, it } from 'vitest';
import { THREAD_TITLE_CHARS, threadTitle } from './thread-title.js';

describe('threadTitle', () => {
  it('is the first line of a Generate prompt, trimmed, with … when more follows', () => {
    expect(threadTitle('generate', '  Add two numbers  ')).toBe('Add two numbers');
    expect(threadTitle('generate', 'Add two numbers\nwith type hints')).toBe('Add two numbers…');
    expect(threadTitle('generate', '\n\nAdd two numbers\n\n')).toBe('Add two numbers');
  });

  it('cuts a long first line at the limit, by characters as people count them', () => {
    const long = `${'é'.repeat(THREAD_TITLE_CHARS)}😀 and more`;
    expect(threadTitle('generate', long)).toBe(`${'é'.repeat(THREAD_TITLE_CHARS)}…`);
  });

  it('names the first non-empty line of explained code with the level and format', () => {
    expect(threadTitle('explain', 'def add(a, b):', { level: 'beginner', format: 'overview' })).toBe(
      'def add(a, b): (beginner, overview)',
    );
    expect(
      threadTitle('explain', '\n  def add(a, b):\n    return a + b', {
        level: 'expert',
        format: 'line-by-line',
      }),
    ).toBe('def add(a, b):… (expert, line-by-line)');
    expect(threadTitle('explain', 'x = 1', {})).toBe('x = 1');
  });

  it('gives different titles to different inputs that share a first line where it can', () => {
    const titles = new Set([
      threadTitle('generate', 'Sort a list'),
      threadTitle('generate', 'Sort a list\ndescending'),
      threadTitle('explain', 'Sort a list', { level: 'beginner', format: 'overview' }),
      threadTitle('explain', 'Sort a list', { level: 'expert', format: 'overview' }),
    ]);
    expect(titles.size).toBe(4);
  });
});
