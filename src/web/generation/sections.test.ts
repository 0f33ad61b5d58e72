import { describe, expect, it } from 'vitest';
import { completedSections } from './sections';

describe('completedSections', () => {
  it('returns the sections whose JSON is complete, while the rest is still arriving', () => {
    const partial =
      '{"sections": [{"startLine": 1, "endLine": 2, "explanation": "Defines {add} with a \\"quote\\"."}, ' +
      '{"startLine": 3, "endLine": 3, "explana';
    expect(completedSections(partial)).toEqual([
      { startLine: 1, endLine: 2, explanation: 'Defines {add} with a "quote".' },
    ]);
  });

  it('reads a bare array and ignores anything that is not a section', () => {
    expect(
      completedSections(
        '[{"startLine": 4, "explanation": "x"}, {"note": 1}, {"startLine": "a", "explanation": ""}]',
      ),
    ).toEqual([{ startLine: 4, endLine: 4, explanation: 'x' }]);
    expect(completedSections('The code adds two numbers.')).toEqual([]);
  });
});
