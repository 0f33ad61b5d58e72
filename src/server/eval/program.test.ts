import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from './dataset.js';
import { assembleProgram, dedent, EVAL_INSTRUCTION, indentBody, requestFor } from './program.js';
import { findPython, runProgram, type PythonRuntime } from './python-runner.js';

/**
 * How an answer becomes the program that is scored. Each shape of answer
 * is checked twice: the exact text assembled, and that real Python passes
 * it (an indentation slip would otherwise look fine as a string).
 */

/** A HumanEval-shaped problem with an import and a helper above the function. */
const PROBLEM: Problem = {
  task_id: 'Test/0',
  prompt:
    'from typing import List\n\n\ndef double(x: int) -> int:\n    return 2 * x\n\n\n' +
    'def doubled_sum(xs: List[int]) -> int:\n    """Sum of twice each number.\n    >>> doubled_sum([1, 2])\n    6\n    """\n',
  canonical_solution: '    return sum(double(x) for x in xs)\n',
  test: 'def check(candidate):\n    assert candidate([1, 2]) == 6\n    assert candidate([]) == 0\n',
  entry_point: 'doubled_sum',
};

let python: PythonRuntime;
beforeAll(async () => {
  python = await findPython();
});

const LIMITS = { timeoutMs: 10_000, memoryBytes: 512 * 1_048_576 };

async function outcomeOf(code: string | null): Promise<string> {
  const assembly = assembleProgram(PROBLEM, code);
  if (assembly.kind === 'no-code') {
    return 'no-code';
  }
  return (await runProgram(python, assembly.program, LIMITS)).outcome;
}

describe('requestFor', () => {
  it('sends the instruction, then the prompt in a python fence ending on its last line', () => {
    expect(requestFor(PROBLEM)).toBe(
      `${EVAL_INSTRUCTION}\n\n\`\`\`python\n${PROBLEM.prompt.trimEnd()}\n\`\`\``,
    );
    expect(EVAL_INSTRUCTION).toBe(
      'Complete the following Python function. Answer with the whole function in one Python code block.',
    );
  });
});

describe('assembleProgram', () => {
  it('puts a whole function after the prompt, so the prompt’s imports and helpers stay', async () => {
    const code = 'def doubled_sum(xs):\n    return sum(double(x) for x in xs)';
    const assembly = assembleProgram(PROBLEM, code);
    expect(assembly).toEqual({
      kind: 'program',
      program: `${PROBLEM.prompt.trimEnd()}\n\n${code}\n\n${PROBLEM.test}\n\ncheck(doubled_sum)\n`,
    });
    expect(await outcomeOf(code)).toBe('passed');
  });

  it('takes a whole function with its own imports and a helper of its own', async () => {
    const code =
      'from typing import List\n\ndef _twice(x):\n    return x + x\n\ndef doubled_sum(xs: List[int]) -> int:\n    return sum(map(_twice, xs))\n';
    expect(await outcomeOf(code)).toBe('passed');
  });

  it('dedents a whole function that came indented', async () => {
    const code = '    def doubled_sum(xs):\n        return 2 * sum(xs)';
    const assembly = assembleProgram(PROBLEM, code);
    expect(assembly.kind === 'program' && assembly.program).toContain(
      '\n\ndef doubled_sum(xs):\n    return 2 * sum(xs)\n',
    );
    expect(await outcomeOf(code)).toBe('passed');
  });

  it('indents a body given without indentation under the prompt’s signature', async () => {
    const code = 'total = 0\nfor x in xs:\n    total += double(x)\nreturn total';
    const assembly = assembleProgram(PROBLEM, code);
    expect(assembly).toEqual({
      kind: 'program',
      program:
        `${PROBLEM.prompt.trimEnd()}\n    total = 0\n    for x in xs:\n        total += double(x)\n    return total` +
        `\n\n${PROBLEM.test}\n\ncheck(doubled_sum)\n`,
    });
    expect(await outcomeOf(code)).toBe('passed');
  });

  it('keeps a body that is already indented (base-model continuations)', async () => {
    const code = '    return sum(double(x) for x in xs)\n';
    const assembly = assembleProgram(PROBLEM, code);
    expect(assembly.kind === 'program' && assembly.program).toContain(
      '    """\n    return sum(double(x) for x in xs)\n\n',
    );
    expect(await outcomeOf(code)).toBe('passed');
  });

  it('re-indents a body whose first line lost its indentation', async () => {
    expect(await outcomeOf('total = sum(xs)\n    return 2 * total')).toBe('passed');
    expect(await outcomeOf('total = sum(xs)\n\n    return 2 * total')).toBe('passed');
    // A first line that opens a block is not moved: its body is meant to be deeper.
    expect(await outcomeOf('while True:\n    return 2 * sum(xs)')).toBe('passed');
    expect(await outcomeOf('if xs:\n    return 2 * sum(xs)\nreturn 0')).toBe('passed');
  });

  it('scores a wrong function as a failure, not as no code', async () => {
    expect(await outcomeOf('def doubled_sum(xs):\n    return sum(xs)')).toBe('failed');
  });

  it('counts an empty answer, whitespace or comments only as no code', () => {
    expect(assembleProgram(PROBLEM, null)).toEqual({ kind: 'no-code' });
    expect(assembleProgram(PROBLEM, '')).toEqual({ kind: 'no-code' });
    expect(assembleProgram(PROBLEM, '  \n\t\n')).toEqual({ kind: 'no-code' });
    expect(assembleProgram(PROBLEM, '# I cannot help with that.\n   # sorry')).toEqual({ kind: 'no-code' });
  });

  it('does not mistake another function of a similar name for the entry point', () => {
    const assembly = assembleProgram(PROBLEM, 'def doubled_sum_fast(xs):\n    return 2 * sum(xs)');
    // Treated as a body: the nested definition leaves the stub returning None, which the tests catch.
    expect(assembly.kind === 'program' && assembly.program).toContain(
      '    """\n    def doubled_sum_fast(xs):',
    );
  });

  it('accepts Windows line ends', async () => {
    expect(await outcomeOf('def doubled_sum(xs):\r\n    return 2 * sum(xs)\r\n')).toBe('passed');
    expect(await outcomeOf('def doubled_sum(xs):\r    return 2 * sum(xs)\r')).toBe('passed');
  });
});

describe('indentation helpers', () => {
  it('dedent removes only the shared indentation and empties blank lines', () => {
    expect(dedent('    a\n\n      b\n   \n    c')).toBe('a\n\n  b\n\nc');
    expect(dedent('\ta\n\t\tb')).toBe('a\n\tb');
    expect(dedent('a\n  b')).toBe('a\n  b');
    expect(dedent('      a\n    b')).toBe('  a\nb');
  });

  it('indentBody uses the indentation it is given', () => {
    expect(indentBody('return 1', '\t')).toBe('\treturn 1');
    expect(indentBody('x = 1\n\nreturn x', '  ')).toBe('  x = 1\n\n  return x');
    // Only a first line with no indentation is taken to have lost it.
    expect(indentBody('  a\n    b', '')).toBe('a\n  b');
    expect(indentBody('\nx = 1\n    return x', '    ')).toBe('\n    x = 1\n    return x');
  });
});

describe('the prompt’s own indentation', () => {
  it('indents a body four spaces under a prompt that ends with its signature', async () => {
    const bare: Problem = { ...PROBLEM, prompt: 'def doubled_sum(xs):\n' };
    const assembly = assembleProgram(bare, 'return 2 * sum(xs)');
    expect(assembly.kind === 'program' && assembly.program).toMatch(
      /^def doubled_sum\(xs\):\n {4}return 2 \* sum\(xs\)\n\n/,
    );
  });

  it('ignores blank lines and spaces after the prompt, in the request and in the program', () => {
    const padded: Problem = { ...PROBLEM, prompt: `${PROBLEM.prompt}\n\n   \n` };
    expect(requestFor(padded)).toBe(requestFor(PROBLEM));
    expect(assembleProgram(padded, 'return 0')).toEqual(assembleProgram(PROBLEM, 'return 0'));
    expect(assembleProgram(padded, 'def doubled_sum(xs):\n    return 0')).toEqual(
      assembleProgram(PROBLEM, 'def doubled_sum(xs):\n    return 0'),
    );
  });

  it('indents a body as deep as the prompt’s docstring', async () => {
    const twoSpaces: Problem = {
      ...PROBLEM,
      prompt: 'def doubled_sum(xs):\n  """Twice the sum."""\n',
    };
    const assembly = assembleProgram(twoSpaces, 'return 2 * sum(xs)');
    expect(assembly.kind === 'program' && assembly.program).toContain(
      '  """Twice the sum."""\n  return 2 * sum(xs)\n',
    );
  });
});

describe('answers in other shapes', () => {
  it('keeps a body of several lines that is already indented', async () => {
    const code = '    total = sum(xs)\n    return 2 * total\n';
    const assembly = assembleProgram(PROBLEM, code);
    expect(assembly.kind === 'program' && assembly.program).toContain(
      '    """\n    total = sum(xs)\n    return 2 * total\n\n',
    );
    expect(await outcomeOf(code)).toBe('passed');
  });

  // Python reads a lone CR as a line end too, so these would pass even unsplit: a
  // function whose lines were joined, or a body indented as one line, would not.
  it('accepts Windows line ends in a function of several lines, and old Mac ones in a body', async () => {
    expect(await outcomeOf('def doubled_sum(xs):\r\n    total = sum(xs)\r\n    return 2 * total\r\n')).toBe(
      'passed',
    );
    expect(await outcomeOf('total = sum(xs)\rreturn 2 * total\r')).toBe('passed');
  });

  it('dedent treats a tab and spaces as indentation, but not as the same one (as textwrap.dedent)', () => {
    expect(dedent('  \ta\n  b')).toBe('\ta\nb');
    expect(dedent('  a\n\t  b')).toBe('  a\n\t  b');
  });
});
