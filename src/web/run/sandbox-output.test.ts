import { describe, expect, it } from 'vitest';
import { cleanTraceback, OutputCap } from './sandbox-output.js';

describe('OutputCap', () => {
  it('passes output while it fits, then keeps exactly the limit and marks the rest dropped', () => {
    const cap = new OutputCap(10);
    expect(cap.take('12345')).toBe('12345');
    expect(cap.truncated).toBe(false);
    expect(cap.take('6789abc')).toBe('6789a');
    expect(cap.truncated).toBe(true);
    expect(cap.take('more')).toBe('');
  });

  it('counts UTF-8 bytes and never splits a character', () => {
    const cap = new OutputCap(5);
    // "é" is two bytes: two fit in four, the third would pass five.
    expect(cap.take('ééé')).toBe('éé');
    expect(cap.truncated).toBe(true);
  });

  it('output of exactly the limit is not truncated', () => {
    const cap = new OutputCap(4);
    expect(cap.take('abcd')).toBe('abcd');
    expect(cap.truncated).toBe(false);
    expect(cap.take('')).toBe('');
    expect(cap.truncated).toBe(false);
  });
});

describe('cleanTraceback', () => {
  it("drops Pyodide's own frames and keeps the user's", () => {
    const raw = [
      'Traceback (most recent call last):',
      '  File "/lib/python313.zip/_pyodide/_base.py", line 597, in eval_code_async',
      '    await CodeRunner(',
      '    ...<9 lines>...',
      '    .run_async(globals, locals)',
      '  File "/lib/python3.12/site-packages/_pyodide/_base.py", line 411, in run_async',
      '    coroutine = eval(self.code, globals, locals)',
      '  File "<main>", line 5, in <module>',
      '  File "<main>", line 2, in divide',
      '    return a / b',
      'ZeroDivisionError: division by zero',
      '',
    ].join('\n');
    expect(cleanTraceback(raw)).toBe(
      [
        'Traceback (most recent call last):',
        '  File "<main>", line 5, in <module>',
        '  File "<main>", line 2, in divide',
        '    return a / b',
        'ZeroDivisionError: division by zero',
        '',
      ].join('\n'),
    );
  });

  it('leaves a traceback without Pyodide frames as it is', () => {
    const raw = '  File "<main>", line 1, in <module>\nNameError: name \'x\' is not defined';
    expect(cleanTraceback(raw)).toBe(raw);
  });
});
