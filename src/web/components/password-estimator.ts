import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/*
 * Loaded on demand only (dynamic import from PasswordStrength): the common
 * password list alone is ~380 KB, far too much for the login page bundle.
 */
const zxcvbn = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });

/** zxcvbn's 0–4 guessability score; `userInputs` (username, email ...) count as easy guesses. */
export function estimatePasswordScore(password: string, userInputs: string[]): 0 | 1 | 2 | 3 | 4 {
  return zxcvbn.check(password, userInputs).score;
}
