import { MAX_INPUT_CHARS } from '../../shared/limits';
import { tooLongMessage } from '../../shared/messages';

/**
 * What is wrong with a prompt or a piece of code before it is sent, or null:
 * blank (`emptyMessage`), or longer than the server takes.
 */
export function inputProblem(text: string, field: 'prompt' | 'code', emptyMessage: string): string | null {
  if (text.trim() === '') {
    return emptyMessage;
  }
  return text.length > MAX_INPUT_CHARS ? tooLongMessage(field) : null;
}

/** Generate and Compare's message for an empty prompt. */
export const EMPTY_PROMPT = 'Describe the code you want.';
