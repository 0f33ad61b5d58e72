import { describe, expect, it } from 'vitest';
import { MAX_INPUT_CHARS } from '../../shared/limits';
import { tooLongMessage } from '../../shared/messages';
import { EMPTY_PROMPT, inputProblem } from './input-check';

describe('inputProblem', () => {
  it('asks for text when there is only white space', () => {
    expect(inputProblem(' \n\t', 'prompt', EMPTY_PROMPT)).toBe(EMPTY_PROMPT);
  });

  it('takes text up to the limit and refuses one character more', () => {
    expect(inputProblem('x'.repeat(MAX_INPUT_CHARS), 'code', 'empty')).toBeNull();
    expect(inputProblem('x'.repeat(MAX_INPUT_CHARS + 1), 'code', 'empty')).toBe(tooLongMessage('code'));
  });
});
