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

  it('prefers the requested language to the fence label', () => {
    expect(extractCode('```js\nconsole.log(1)\n```', 'typescript')).toEqual({
      code: 'console.log(1)',
      language: 'typescript',
    });
  });

  it('reads the language from a fence label that carries attributes', () => {
    expect(extractCode('```js title="a.js"\nx\n```', 'any')).toEqual({ code: 'x', language: 'javascript' });
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
    ['use std::collections::HashMap;', 'rust'],
    ['def  f(): return 1', 'python'],
    ['square = lambda x: x * x', 'python'],
  ])('%s → %s', (code, language) => {
    expect(detectLanguage(code)).toBe(language);
  });

  it('says nothing when nothing tells', () => {
    expect(detectLanguage('x = 1')).toBeUndefined();
    expect(detectLanguage('hello world')).toBeUndefined();
  });

  /**
   * One telltale statement is enough, however it is indented, spaced or
   * followed by trailing blanks: a one-line snippet gets its language.
   */
  const ONE_STATEMENT: [string, string][] = [
    ['def add(a, b):', 'python'],
    ['    def area(self) -> float:  ', 'python'],
    ['def scale(x)->int:', 'python'],
    ['def add (a, b):', 'python'],
    ['class Point:', 'python'],
    ['    class Dog(Animal):  ', 'python'],
    ['    else:  # fallback', 'python'],
    ['import os', 'python'],
    ['    import numpy as np  ', 'python'],
    ['from os.path import join, exists', 'python'],
    ['self.count', 'python'],
    ['key = lambda xs:xs', 'python'],
    ['done = False', 'python'],
    ['#!/bin/sh', 'bash'],
    ['#!/usr/bin/env bash', 'bash'],
    ['  fi  ', 'bash'],
    ['done; echo "all done"', 'bash'],
    ['if [ -f x ]; then', 'bash'],
    ['if [ -f x ];then', 'bash'],
    ['for f in *.txt; do  ', 'bash'],
    ['  mkdir -p build', 'bash'],
    ['echo hi', 'bash'],
    ['cat "$f"', 'bash'],
    ['cat $HOME', 'bash'],
    ['INSERT INTO users (name) VALUES (1);', 'sql'],
    ['    insert into t values (1)', 'sql'],
    ['  SELECT id FROM users', 'sql'],
    ['UPDATE users\n   SET name = 1', 'sql'],
    ['  update users set name = 1', 'sql'],
    ['  DELETE FROM users', 'sql'],
    ['DELETE\n  FROM users', 'sql'],
    ['  CREATE TABLE users (id int)', 'sql'],
    ['CREATE\n  INDEX i ON t (c)', 'sql'],
    ['fn main() {}', 'rust'],
    ['fn largest<T: PartialOrd>(list: &[T]) -> &T {', 'rust'],
    ['pub fn pair<A, B>(a: A, b: B) {}', 'rust'],
    ['let mut total = 0;', 'rust'],
    ['impl Shape for Circle {', 'rust'],
    ['use serde::de::Deserialize;', 'rust'],
    ['    use rand::Rng;', 'rust'],
    ['package main', 'go'],
    ['func main() {}', 'go'],
    ['func (s *Server) Start() error {', 'go'],
    ['count := 0', 'go'],
    ['\tcount := 0', 'go'],
    ['count:=0', 'go'],
    ['a, b := 1, 2', 'go'],
    ['fmt.Println("hi")', 'go'],
    ['using System;', 'csharp'],
    ['using System.Collections.Generic;', 'csharp'],
    ['namespace App.Models {}', 'csharp'],
    ['Console.Write("x");', 'csharp'],
    ['static void Main(string[] args) {}', 'csharp'],
    ['static void Main (string[] args) {}', 'csharp'],
    ['System.out.print("x");', 'java'],
    ['public class Money {}', 'java'],
    ['public final class Money {}', 'java'],
    ['public abstract class Shape {}', 'java'],
    ['static void main(String[] args) {}', 'java'],
    ['static void main (String[] args) {}', 'java'],
    ['static void main( String[] args ) {}', 'java'],
    ['import java.util.List;', 'java'],
    ['import javax.swing.JFrame;', 'java'],
    ['#include <stdlib.h>', 'c'],
    ['#include<math.h>', 'c'],
    ['printf("%d", n);', 'c'],
    ['printf ("%d", n);', 'c'],
    ['int main() {}', 'c'],
    ['int main (void) {}', 'c'],
    ['free(p);', 'c'],
    ['free (p);', 'c'],
    ['#include <vector>', 'cpp'],
    ['#include<string>', 'cpp'],
    ['cout << "hi";', 'cpp'],
    ['cin>>n;', 'cpp'],
    ['let total=0', 'javascript'],
    ['function add(a, b) {}', 'javascript'],
    ['function add (a, b) {}', 'javascript'],
    ['const f = function(x) {};', 'javascript'],
    ["require('dotenv').config();", 'javascript'],
    ['module.exports = add;', 'javascript'],
    ['let name:string;', 'typescript'],
    ['let id : number;', 'typescript'],
    ['interface User {}', 'typescript'],
    ['interface User{}', 'typescript'],
    ['type Id = string;', 'typescript'],
    ['type Id=string;', 'typescript'],
  ];

  it.each(ONE_STATEMENT)('one statement: %j → %s', (code, language) => {
    expect(detectLanguage(code)).toBe(language);
  });

  /**
   * A construct counts only in its place: inside a string, a comment, a
   * sentence or another language's statement it is not evidence.
   */
  const OUT_OF_PLACE: [string, string | undefined][] = [
    ['def twice(x: Int): Int = x * 2', undefined],
    ['// the Python version starts with def add(a, b):\nconst add = (a, b) => a + b;', 'javascript'],
    ['Write the header as class Point:', undefined],
    ['Return the list if it has items:', undefined],
    ['if err := run(); err != nil {\n\treturn err\n}', 'go'],
    ['#include <vector>\nclass Circle: public Shape {\n};', 'cpp'],
    ['First, import os', undefined],
    ["import React from 'react';\nconst App = () => null;", 'javascript'],
    ['total = (n := 10) + 1', undefined],
    ['header = "#!/bin/sh"\nprint(header)', 'python'],
    ['const finished = done;', 'javascript'],
    ['for (let i = 0; done < n; i++) {}', 'javascript'],
    ['const cmd = "rm -rf build";', 'javascript'],
    ['echo=1', undefined],
    ['cur.execute("SELECT name FROM users")\nprint(cur.fetchall())', 'python'],
    ['const sql = "INSERT INTO logs VALUES (1)";', 'javascript'],
    ['const sql = "DELETE FROM logs";', 'javascript'],
    ['const sql = "UPDATE logs SET seen = 1";', 'javascript'],
    ['const sql = "DROP TABLE logs";', 'javascript'],
    ['// use rand::Rng in the Rust version\nconst n = Math.random();', 'javascript'],
    ["// the npm package lodash\nconst _ = require('lodash');", 'javascript'],
    ['Add import java.util.List; to the top of the file.', undefined],
  ];

  it.each(OUT_OF_PLACE)('out of place: %j → %s', (code, language) => {
    expect(detectLanguage(code)).toBe(language);
  });

  /** Languages that share syntax are told apart by the weight of their other evidence. */
  const MIXED: [string, string][] = [
    ['int main() { std::printf("hi"); }', 'cpp'],
    ['int main () { std::printf("hi"); }', 'cpp'],
    ["const fs = require('fs');\nfunction read(path: string) {}", 'typescript'],
    ["const fs=require('fs');\nfunction read (path: string) {}", 'typescript'],
    ["const fs=require('fs');\nconst read=(path: string) => fs.readFileSync(path);", 'typescript'],
    ["const fs=require('fs');\nconst read=function(path: string) {};", 'typescript'],
    ["let fs = require('fs');\nconsole.log(fs, 1 as number);\nlet id:number;", 'typescript'],
  ];

  it.each(MIXED)('weighed: %j → %s', (code, language) => {
    expect(detectLanguage(code)).toBe(language);
  });

  // Models pad and align code; outside Python's keyword statements, extra spaces change nothing.
  it.each(
    [...ONE_STATEMENT, ...OUT_OF_PLACE, ...MIXED].filter(
      ([code, language]) => language !== 'python' && !code.startsWith('#!'),
    ),
  )('spaced out: %j → %s', (code, language) => {
    expect(detectLanguage(code.replaceAll(' ', '  '))).toBe(language);
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

  it('drops JSON entries it cannot use, and trims explanations', () => {
    const json = JSON.stringify({
      sections: [
        null,
        7,
        'x',
        { startLine: 'a', endLine: 2, explanation: 'bad start' },
        { startLine: 1, endLine: 'b', explanation: 'bad end' },
        { startLine: 1, endLine: 2, explanation: 42 },
        { startLine: 1, endLine: 2, explanation: '   ' },
        { startLine: 2, endLine: 3, explanation: '  Kept.  ' },
      ],
    });
    expect(parseSections(json, 3)).toEqual([{ startLine: 1, endLine: 3, explanation: 'Kept.' }]);
  });

  it('finds a JSON object or array in prose without a fence', () => {
    const all = '{"sections": [{"startLine": 1, "endLine": 2, "explanation": "All."}]}';
    expect(parseSections(`Sure! ${all} Hope this helps.`, 2)).toEqual([
      { startLine: 1, endLine: 2, explanation: 'All.' },
    ]);
    expect(parseSections(`${all}\nSee [the docs].`, 2)).toEqual([
      { startLine: 1, endLine: 2, explanation: 'All.' },
    ]);
    expect(
      parseSections(
        'Here: [{"startLine": 1, "endLine": 1, "explanation": "A."}, {"startLine": 2, "endLine": 2, "explanation": "B."}] Done.',
        2,
      ),
    ).toEqual([
      { startLine: 1, endLine: 1, explanation: 'A.' },
      { startLine: 2, endLine: 2, explanation: 'B.' },
    ]);
  });

  it('reads fenced JSON when the prose around it has braces and brackets of its own', () => {
    const text =
      'For `f() {}` [as asked]:\n```json\n{"sections": [{"startLine": 1, "endLine": 2, "explanation": "All."}]}\n```';
    expect(parseSections(text, 2)).toEqual([{ startLine: 1, endLine: 2, explanation: 'All.' }]);
  });

  it('looks past JSON that holds no sections, such as the code repeated in a fence', () => {
    const text =
      '```python\n[1, 2, 3]\n```\n{"sections": [{"startLine": 1, "endLine": 1, "explanation": "A list."}]}';
    expect(parseSections(text, 1)).toEqual([{ startLine: 1, endLine: 1, explanation: 'A list.' }]);
  });

  it('orders sections that start on the same line by their end', () => {
    const json = JSON.stringify([
      { startLine: 1, endLine: 3, explanation: 'Whole.' },
      { startLine: 1, endLine: 1, explanation: 'First.' },
    ]);
    expect(parseSections(json, 3)).toEqual([
      { startLine: 1, endLine: 1, explanation: 'First.' },
      { startLine: 2, endLine: 3, explanation: 'Whole.' },
    ]);
  });

  it('reads the ways models write line references in prose', () => {
    const text = [
      '- Line 1: reads the input   ',
      '  * Lines 2 to 3: loops',
      '*   Line 4 - prints the sum',
      '5.returns',
      'Lines 10-12: cleans up',
    ].join('\n');
    expect(parseSections(text, 12)).toEqual([
      { startLine: 1, endLine: 1, explanation: 'reads the input' },
      { startLine: 2, endLine: 3, explanation: 'loops' },
      { startLine: 4, endLine: 4, explanation: 'prints the sum' },
      { startLine: 5, endLine: 9, explanation: 'returns' },
      { startLine: 10, endLine: 12, explanation: 'cleans up' },
    ]);
  });

  it('takes a number inside a sentence for no line reference, and trims the fallback', () => {
    expect(parseSections('Needs Python 3.8 or later.', 2)).toEqual([
      { startLine: 1, endLine: 2, explanation: 'Needs Python 3.8 or later.' },
    ]);
    expect(parseSections('  It adds numbers.  \n', 4)).toEqual([
      { startLine: 1, endLine: 4, explanation: 'It adds numbers.' },
    ]);
  });
});
