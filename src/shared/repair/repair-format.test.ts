import { describe, expect, it } from 'vitest';
import {
  FAILURE_MAX_CHARS,
  firstTurnRequest,
  fixTurnRequest,
  formatTurnRequest,
  parseRepairAnswer,
  repairInstruction,
  testProgram,
  testsMarker,
  truncateMiddle,
} from './repair-format.js';

const PY_ANSWER = [
  'Here is the function:',
  '',
  '```python',
  'def add(a, b):',
  '    return a + b',
  '```',
  '',
  'And the tests:',
  '',
  '```python',
  '# tests',
  'assert add(2, 3) == 5',
  'assert add(-1, 1) == 0',
  '```',
  'Hope this helps.',
].join('\n');

describe('the format instruction', () => {
  it('names the marker of each language and asks for exactly two blocks', () => {
    expect(testsMarker('python')).toBe('# tests');
    expect(testsMarker('javascript')).toBe('// tests');
    expect(testsMarker('typescript')).toBe('// tests');
    expect(repairInstruction('python')).toContain('exactly two fenced code blocks');
    expect(repairInstruction('python')).toContain('`# tests`');
    expect(repairInstruction('python')).toContain('assert');
    expect(repairInstruction('typescript')).toContain('`// tests`');
    expect(repairInstruction('javascript')).toContain('throw new Error');
  });

  it('appends the instruction to the request as plain text', () => {
    const text = firstTurnRequest('Write add(a, b).\n\n', 'python');
    expect(text).toBe(`Write add(a, b).\n\n${repairInstruction('python')}`);
  });

  it('says what was missing in the format reminder', () => {
    expect(formatTurnRequest('no-marker', 'javascript')).toContain('`// tests`');
    expect(formatTurnRequest('no-tests', 'python')).toContain('no second fenced block');
    expect(formatTurnRequest('no-code', 'python')).toContain(repairInstruction('python'));
  });
});

describe('parseRepairAnswer', () => {
  it('reads code and tests around prose, without the marker line', () => {
    expect(parseRepairAnswer(PY_ANSWER, 'python')).toEqual({
      ok: true,
      code: 'def add(a, b):\n    return a + b',
      tests: 'assert add(2, 3) == 5\nassert add(-1, 1) == 0',
    });
  });

  it('is tolerant of CRLF, missing or other language tags, tildes and a colon after the marker', () => {
    const crlf = PY_ANSWER.replace(/\n/g, '\r\n').replace(/```python/g, '```py');
    expect(parseRepairAnswer(crlf, 'python')).toMatchObject({
      ok: true,
      code: 'def add(a, b):\n    return a + b',
    });
    const js =
      '~~~\nconst add = (a, b) => a + b;\n~~~\n```js\n// Tests:\nif (add(1, 2) !== 3) throw new Error("x");\n```';
    expect(parseRepairAnswer(js, 'javascript')).toEqual({
      ok: true,
      code: 'const add = (a, b) => a + b;',
      tests: 'if (add(1, 2) !== 3) throw new Error("x");',
    });
  });

  it('detects the marker per language and in either comment style', () => {
    const ts =
      '```ts\nexport const f = (): number => 1;\n```\n```typescript\n// tests\nconsole.assert(f() === 1);\n```';
    expect(parseRepairAnswer(ts, 'typescript')).toMatchObject({
      ok: true,
      tests: 'console.assert(f() === 1);',
    });
    const mixed = '```python\nx = 1\n```\n```python\n// tests\nassert x == 1\n```';
    expect(parseRepairAnswer(mixed, 'python')).toMatchObject({ ok: true, tests: 'assert x == 1' });
    // "# tested values" is a comment, not the marker.
    const notMarker = '```python\nx = 1\n```\n```python\n# tested values\nassert x == 1\n```';
    expect(parseRepairAnswer(notMarker, 'python')).toEqual({
      ok: false,
      problem: 'no-marker',
      code: 'x = 1',
    });
  });

  it('joins code split over blocks of the language and leaves out shell blocks', () => {
    const text =
      '```bash\npip install nothing\n```\n```python\nimport math\n```\n```python\ndef r(x):\n    return math.sqrt(x)\n```\n```python\n# tests\nassert r(4) == 2\n```';
    expect(parseRepairAnswer(text, 'python')).toMatchObject({
      ok: true,
      code: 'import math\n\ndef r(x):\n    return math.sqrt(x)',
    });
  });

  it('accepts a tests block left open at the end of an answer cut at its token limit', () => {
    const cut = '```python\nx = 1\n```\n```python\n# tests\nassert x == 1\n';
    expect(parseRepairAnswer(cut, 'python')).toEqual({ ok: true, code: 'x = 1', tests: 'assert x == 1' });
  });

  it('gives a clear reason, with any code it found', () => {
    expect(parseRepairAnswer('I cannot help with that.', 'python')).toEqual({
      ok: false,
      problem: 'no-code',
      code: null,
    });
    expect(parseRepairAnswer('```python\ndef f():\n    return 1\n```', 'python')).toEqual({
      ok: false,
      problem: 'no-tests',
      code: 'def f():\n    return 1',
    });
    expect(parseRepairAnswer('```python\nx = 1\n```\n```python\nassert x == 1\n```', 'python')).toEqual({
      ok: false,
      problem: 'no-marker',
      code: 'x = 1',
    });
    expect(parseRepairAnswer('```python\n# tests\nassert f() == 1\n```', 'python')).toEqual({
      ok: false,
      problem: 'no-code',
      code: null,
    });
    expect(parseRepairAnswer('```python\nx = 1\n```\n```python\n# tests\n\n```', 'python')).toEqual({
      ok: false,
      problem: 'no-tests',
      code: 'x = 1',
    });
  });
});

describe('truncateMiddle', () => {
  it('leaves short text alone', () => {
    expect(truncateMiddle('short', 100)).toBe('short');
  });

  it('keeps the head and the longer tail, with the count of characters cut, within the limit', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i}`);
    const text = `${lines.join('\n')}\nAssertionError: the last line`;
    const cut = truncateMiddle(text);
    expect(cut.length).toBeLessThanOrEqual(FAILURE_MAX_CHARS);
    expect(cut.startsWith('line 0\nline 1\n')).toBe(true);
    expect(cut.endsWith('AssertionError: the last line')).toBe(true);
    const marker = /… (\d+) characters cut …\n/.exec(cut);
    expect(marker).not.toBeNull();
    const [head = '', tail = ''] = cut.split(marker?.[0] ?? '');
    // Whole lines on both sides, and nothing lost but the count.
    expect(head.endsWith('\n')).toBe(true);
    expect(tail.startsWith('line ')).toBe(true);
    expect(head.length + Number(marker?.[1]) + tail.length).toBe(text.length);
    expect(tail.length).toBeGreaterThan(head.length);
  });

  it('cuts a text without line ends too', () => {
    const text = 'x'.repeat(10_000);
    const cut = truncateMiddle(text, 300);
    expect(cut.length).toBeLessThanOrEqual(300);
    expect(cut).toMatch(/… \d+ characters cut …/);
  });
});

describe('fixTurnRequest', () => {
  it('sends the error, the truncated output in a fence it cannot close, and the instruction again', () => {
    const output = `${'noise\n'.repeat(1000)}\`\`\`\nTraceback (most recent call last):\nAssertionError: add(2, 3) should be 5`;
    const text = fixTurnRequest(
      { status: 'failed', output, message: 'AssertionError: add(2, 3) should be 5', durationMs: 12 },
      'python',
    );
    expect(text).toContain('Running the code with your tests failed.');
    expect(text).toContain('Error: AssertionError: add(2, 3) should be 5');
    expect(text).toContain('````text\n');
    expect(text).toContain('characters cut');
    expect(text).toMatch(/AssertionError: add\(2, 3\) should be 5\n````/);
    expect(text).toContain('Fix the code so that the tests pass');
    expect(text.endsWith(repairInstruction('python'))).toBe(true);
  });

  it('says when the run hit the time limit', () => {
    const text = fixTurnRequest({ status: 'timed-out', output: '', durationMs: 10_000 }, 'javascript');
    expect(text).toContain('stopped at the time limit');
    expect(text).not.toContain('Output:');
    expect(text).toContain('`// tests`');
  });
});

describe('testProgram', () => {
  it('puts the code, the marker and the tests in one Python program', () => {
    expect(testProgram('def f():\n    return 1\n\n', 'assert f() == 1\n', 'python')).toBe(
      'def f():\n    return 1\n\n# tests\nassert f() == 1\n',
    );
  });

  it('runs unittest cases the tests define but do not run', () => {
    const tests =
      'import unittest\nclass T(unittest.TestCase):\n    def test_f(self):\n        self.assertEqual(f(), 1)';
    expect(testProgram('def f(): return 1', tests, 'python')).toContain('loadTestsFromModule');
    expect(testProgram('def f(): return 1', `${tests}\nunittest.main()`, 'python')).not.toContain(
      'loadTestsFromModule',
    );
  });

  it('makes console.assert throw before JavaScript tests', () => {
    const program = testProgram('const f = () => 1;', 'console.assert(f() === 2, "f");', 'javascript');
    expect(program.startsWith('const f = () => 1;\n\n// tests\nconsole.assert = ')).toBe(true);
    expect(program.endsWith('console.assert(f() === 2, "f");\n')).toBe(true);
    // The prelude works: a failed console.assert throws.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the assembled program, as the sandbox would
    const run = new Function('console', program) as (console: object) => void;
    expect(() => {
      run({});
    }).toThrow('Assertion failed: f');
  });
});
