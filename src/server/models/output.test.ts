import { describe, expect, it } from 'vitest';
import { detectLanguage, extractCode, parseSections } from './output.js';

describe('extractCode', () => {
  it('takes the first fenced block and its language', () => {
    const out = 'Here you go:\n\n```py\ndef add(a, b):\n    return a + b\n```\n\nThen:\n```js\nx\n```';
    expect(extractCode(out, 'any')).toEqual({ code: 'def add(a, b):\n    return a + b', language: 'python' });
  });

  it('prefers the requested language, and takes an unterminated block to the end', () => {
    expect(extractCode('```\nfn main() {}', 'rust')).toEqual({ code: 'fn main() {}', language: 'rust' });
  });

  it('takes the whole answer when there is no fence, detecting the language', () => {
    expect(extractCode('\n\ndef f():\n    return 1\n\n', 'any')).toEqual({
      code: 'def f():\n    return 1',
      language: 'python',
    });
    expect(extractCode('hello there', 'any')).toEqual({ code: 'hello there', language: 'text' });
  });
});

describe('detectLanguage', () => {
  it.each([
    ['#include <stdio.h>\nint main() { printf("hi"); }', 'c'],
    ['#include <iostream>\nint main() { std::cout << 1; }', 'cpp'],
    ['public class A { public static void main(String[] a) {} }', 'java'],
    ['package main\nfunc main() {}', 'go'],
    ['fn main() { let mut x = 1; }', 'rust'],
    ['SELECT * FROM users;', 'sql'],
    ['#!/bin/bash\necho hi', 'bash'],
    ['const add = (a, b) => a + b;', 'javascript'],
    ['function f(x: number): string { return "" }', 'typescript'],
    ['import os\nprint(os.getcwd())', 'python'],
    // Shared syntax: decided by the statements around it.
    ['done = False\nwhile not done:\n    done = True', 'python'],
    ['if (n := len(a)) > 10:\n    print(n)', 'python'],
    ['with open("f") as f:\n    data = f.read()', 'python'],
    ['for f in *.txt; do\n  echo "$f"\ndone', 'bash'],
    ['x := 5\nfmt.Println(x)', 'go'],
    ['using System;\nclass A { static void Main() { Console.WriteLine(1); } }', 'csharp'],
    ['const x: number = 1;', 'typescript'],
    ['UPDATE users SET name = 1 WHERE id = 2;', 'sql'],
  ])('%s → %s', (code, language) => {
    expect(detectLanguage(code)).toBe(language);
  });

  it('says nothing when nothing tells', () => {
    expect(detectLanguage('x = 1')).toBeUndefined();
    expect(detectLanguage('hello world')).toBeUndefined();
  });
});

describe('parseSections', () => {
  it('reads the requested JSON', () => {
    const json = JSON.stringify({
      sections: [
        { startLine: 1, endLine: 2, explanation: 'Set up.' },
        { startLine: 3, endLine: 3, explanation: 'Print.' },
      ],
    });
    expect(parseSections(json, 3)).toEqual([
      { startLine: 1, endLine: 2, explanation: 'Set up.' },
      { startLine: 3, endLine: 3, explanation: 'Print.' },
    ]);
  });

  it('finds JSON inside prose or a fence, and accepts a bare array', () => {
    const text = 'Sure!\n```json\n[{"start": 2, "end": 4, "text": "Loop."}]\n```';
    expect(parseSections(text, 4)).toEqual([{ startLine: 1, endLine: 4, explanation: 'Loop.' }]);
  });

  it('reads "Lines a-b:" prose when there is no JSON', () => {
    const text = 'Lines 1-2: imports.\nLine 3: the call.\n**5**: the end.';
    expect(parseSections(text, 5)).toEqual([
      { startLine: 1, endLine: 2, explanation: 'imports.' },
      { startLine: 3, endLine: 4, explanation: 'the call.' },
      { startLine: 5, endLine: 5, explanation: 'the end.' },
    ]);
  });

  it('always covers 1..N in order without overlap: clamps, sorts, fills gaps, merges contained ones', () => {
    const json = JSON.stringify([
      { startLine: 9, endLine: 99, explanation: 'Tail.' },
      { startLine: 0, endLine: 3, explanation: 'Head.' },
      { startLine: 2, endLine: 3, explanation: 'Inside head.' },
      { startLine: 3, endLine: 6, explanation: 'Middle.' },
    ]);
    const sections = parseSections(json, 10);
    expect(sections).toEqual([
      { startLine: 1, endLine: 3, explanation: 'Head.\n\nInside head.' },
      { startLine: 4, endLine: 8, explanation: 'Middle.' },
      { startLine: 9, endLine: 10, explanation: 'Tail.' },
    ]);
  });

  it('falls back to one section for unstructured text, and never returns nothing', () => {
    expect(parseSections('It adds numbers.', 4)).toEqual([
      { startLine: 1, endLine: 4, explanation: 'It adds numbers.' },
    ]);
    expect(parseSections('{"sections": [', 2)).toEqual([
      { startLine: 1, endLine: 2, explanation: '{"sections": [' },
    ]);
    expect(parseSections('', 1)).toEqual([
      { startLine: 1, endLine: 1, explanation: 'No explanation was produced.' },
    ]);
  });
});
