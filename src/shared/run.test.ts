import { describe, expect, it } from 'vitest';
import { runnableLanguage } from './run.js';

describe('runnableLanguage', () => {
  it.each([
    ['python', 'python'],
    ['py', 'python'],
    ['Python3', 'python'],
    ['javascript', 'javascript'],
    ['js', 'javascript'],
    ['node', 'javascript'],
    ['mjs', 'javascript'],
    ['jsx', 'javascript'],
    ['cjs', 'javascript'],
    ['typescript', 'typescript'],
    ['ts', 'typescript'],
    ['tsx', 'typescript'],
    [' TS ', 'typescript'],
  ])('%s runs as %s', (label, expected) => {
    expect(runnableLanguage(label)).toBe(expected);
  });

  it.each(['java', 'c', 'cpp', 'rust', 'go', 'bash', 'sql', '', 'text', 'pythonic', 'constructor'])(
    '%s does not run',
    (label) => {
      expect(runnableLanguage(label)).toBeNull();
    },
  );
});
