import { describe, expect, it } from 'vitest';
import { normalizeLanguage } from './languages.js';

describe('normalizeLanguage', () => {
  it.each([
    ['cjs', 'javascript'],
    ['javascriptreact', 'javascript'],
    [' MJS ', 'javascript'],
    ['Python3', 'python'],
  ])('reads the fence label %s as %s', (label, expected) => {
    expect(normalizeLanguage(label)).toBe(expected);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'does not take the Object.prototype name %s for a language',
    (label) => {
      expect(normalizeLanguage(label)).toBeUndefined();
    },
  );
});
