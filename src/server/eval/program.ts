import type { Problem } from './dataset.js';

/**
 * Turning a model's answer into the Python program that is run: the
 * problem's prompt and the answer's code put together as a careful harness
 * would, then the problem's tests and the call that runs them.
 */

/** The instruction sent before each problem's prompt. */
export const EVAL_INSTRUCTION =
  'Complete the following Python function. Answer with the whole function in one Python code block.';

/** The request for one problem: the instruction, then the prompt in a python fence. */
export function requestFor(problem: Problem): string {
  return withPrompt(EVAL_INSTRUCTION, problem);
}

/** An instruction, then the problem's prompt in a python fence. */
function withPrompt(instruction: string, problem: Problem): string {
  // The fence's last line must be the prompt's, so a base model continues right after the docstring.
  return `${instruction}\n\n\`\`\`python\n${problem.prompt.replace(/\s+$/, '')}\n\`\`\``;
}

/**
 * With --repair, the instruction before the prompt: the repair loop's first
 * turn adds the format (the function, then the model's own tests).
 */
export const REPAIR_EVAL_INSTRUCTION = 'Complete the following Python function. Write the whole function.';

/** The request for one problem with --repair, before the loop's format instruction. */
export function repairRequestFor(problem: Problem): string {
  return withPrompt(REPAIR_EVAL_INSTRUCTION, problem);
}

/** The program to run, or `no-code` when the answer holds no code at all. */
export type Assembly = { kind: 'program'; program: string } | { kind: 'no-code' };

const indentOf = (line: string): string => /^[ \t]*/.exec(line)?.[0] ?? '';
const isBlank = (line: string): boolean => line.trim() === '';

/** Removes the indentation every non-blank line shares (Python's textwrap.dedent). */
export function dedent(code: string): string {
  const lines = code.split('\n');
  const indents = lines.filter((l) => !isBlank(l)).map(indentOf);
  let common = indents[0] ?? '';
  for (const indent of indents) {
    while (!indent.startsWith(common)) {
      common = common.slice(0, -1);
    }
  }
  return lines.map((l) => (isBlank(l) ? '' : l.slice(common.length))).join('\n');
}

/** True when nothing but blank lines and comments is left: there is no code to run. */
function hasNoCode(code: string): boolean {
  return code.split('\n').every((l) => isBlank(l) || l.trim().startsWith('#'));
}

/** The indentation of the function body the prompt ends in (its docstring's), else four spaces. */
function bodyIndent(prompt: string): string {
  const last = prompt
    .split('\n')
    .reverse()
    .find((l) => !isBlank(l));
  const indent = last === undefined ? '' : indentOf(last);
  return indent === '' ? '    ' : indent;
}

/**
 * A body to put under the prompt's signature, at the prompt's body
 * indentation. A body whose first line lost its indentation (an answer
 * that continued the prompt's last line, or had its leading spaces
 * trimmed) while the lines after it share one: that first line belongs
 * with them, unless it opens a block.
 */
export function indentBody(code: string, indent: string): string {
  const lines = code.split('\n');
  const first = lines.findIndex((l) => !isBlank(l));
  const firstLine = lines[first] ?? '';
  const rest = lines.slice(first + 1).filter((l) => !isBlank(l));
  const restIndent = dedentWidth(rest);
  if (indentOf(firstLine) === '' && restIndent > 0 && !/[:([{\\,]\s*$/.test(firstLine)) {
    lines[first] = ' '.repeat(restIndent) + firstLine;
  }
  return dedent(lines.join('\n'))
    .split('\n')
    .map((l) => (isBlank(l) ? '' : indent + l))
    .join('\n');
}

/** The smallest indentation among these lines, in characters (0 for none). */
function dedentWidth(lines: string[]): number {
  return lines.length === 0 ? 0 : Math.min(...lines.map((l) => indentOf(l).length));
}

/**
 * The program for a problem and the code extracted from the answer (the
 * plan's finish(): the first fenced block, or the whole answer):
 *
 * - the code defines `def <entry_point>(`: the prompt, then the code. The
 *   prompt's imports and helpers stay; the answer's definition, coming
 *   later, replaces the prompt's stub.
 * - otherwise the code is the body: the prompt, then the code indented
 *   as the prompt's body.
 *
 * Then the problem's tests and `check(<entry_point>)`.
 */
export function assembleProgram(problem: Problem, code: string | null): Assembly {
  const solution = assembleSolution(problem, code);
  if (solution === null) {
    return { kind: 'no-code' };
  }
  return {
    kind: 'program',
    program: `${solution}\n\n${problem.test}\n\ncheck(${problem.entry_point})\n`,
  };
}

/**
 * The solution part of assembleProgram (the prompt and the code, without
 * the problem's tests), or null when there is no code. Repair runs the
 * model's own tests after it, so they see the prompt's imports and helpers
 * as the hidden tests will.
 */
export function assembleSolution(problem: Problem, code: string | null): string | null {
  if (code === null || hasNoCode(code)) {
    return null;
  }
  const whole = dedent(code.replace(/\r\n?/g, '\n'));
  const definesEntry = new RegExp(`^def\\s+${problem.entry_point}\\s*\\(`, 'm').test(whole);
  const prompt = problem.prompt.replace(/\s+$/, '');
  return definesEntry
    ? `${prompt}\n\n${whole}`
    : `${prompt}\n${indentBody(whole, bodyIndent(problem.prompt))}`;
}
