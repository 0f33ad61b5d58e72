import type { Element, Root, RootContent } from 'hast';
import { createLowlight } from 'lowlight';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { toCodeLanguage, type CodeLanguage } from '../../generation/languages';

/*
 * highlight.js through lowlight, which returns a syntax tree instead of an
 * HTML string: the page builds elements from it, so model output never goes
 * through innerHTML. Only the languages CodeGenie offers (and a few answers
 * often contain) are bundled, not highlight.js's 190.
 */
const lowlight = createLowlight({
  bash,
  c,
  cpp,
  csharp,
  css,
  go,
  java,
  javascript,
  json,
  python,
  rust,
  sql,
  typescript,
  xml,
  yaml,
});

const GRAMMAR: Record<CodeLanguage, string> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  java: 'java',
  c: 'c',
  cpp: 'cpp',
  csharp: 'csharp',
  go: 'go',
  rust: 'rust',
  sql: 'sql',
  bash: 'bash',
  json: 'json',
  html: 'xml',
  css: 'css',
  yaml: 'yaml',
};

const AUTO_SUBSET = Object.values(GRAMMAR);

/** A run of text and the highlight classes that apply to it (empty for plain text). */
export interface Token {
  text: string;
  className: string;
}

/** The code split into lines, each a list of tokens. */
export interface Highlighted {
  lines: Token[][];
  /** The language used: the one asked for, or the one detected. */
  language: CodeLanguage | null;
}

/** Auto-detection is slow on long inputs and unreliable on short ones. */
const AUTO_MAX_CHARS = 20_000;

/**
 * Highlights `code` and splits it into lines (a multi-line string or comment
 * keeps its colour on every line). Without a language it is detected among
 * the bundled ones.
 */
export function highlightLines(code: string, language: CodeLanguage | null): Highlighted {
  let tree: Root | null = null;
  let used = language;
  try {
    if (language) {
      tree = lowlight.highlight(GRAMMAR[language], code);
    } else if (code.length <= AUTO_MAX_CHARS) {
      tree = lowlight.highlightAuto(code, { subset: AUTO_SUBSET });
      const detected = tree.data?.language;
      used = detected ? toCodeLanguage(detected === 'xml' ? 'html' : detected) : null;
      if ((tree.data?.relevance ?? 0) < 3) {
        // A guess this weak colours prose as code: show it plain.
        tree = null;
        used = null;
      }
    }
  } catch {
    tree = null;
  }
  const tokens: Token[] = tree ? flatten(tree.children, '') : [{ text: code, className: '' }];
  return { lines: splitTokens(tokens), language: used };
}

function flatten(nodes: readonly RootContent[], inherited: string): Token[] {
  const out: Token[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push({ text: node.value, className: inherited });
    } else if (node.type === 'element') {
      out.push(...flatten(node.children, join(inherited, classesOf(node))));
    }
  }
  return out;
}

function classesOf(node: Element): string {
  const value = node.properties['className'];
  return Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
}

function join(a: string, b: string): string {
  return a && b ? `${a} ${b}` : a || b;
}

function splitTokens(tokens: readonly Token[]): Token[][] {
  const lines: Token[][] = [[]];
  for (const token of tokens) {
    const parts = token.text.split('\n');
    parts.forEach((part, index) => {
      if (index > 0) {
        lines.push([]);
      }
      if (part) {
        lines[lines.length - 1]?.push({ text: part, className: token.className });
      }
    });
  }
  return lines;
}

/** The likeliest language of `code` among the bundled ones (looking at its start), or null when unsure. */
export function detectLanguage(code: string): CodeLanguage | null {
  const sample = code.slice(0, 4000);
  if (sample.trim().length < 12) {
    return null;
  }
  try {
    const tree = lowlight.highlightAuto(sample, { subset: AUTO_SUBSET });
    const detected = tree.data?.language;
    if (!detected || (tree.data?.relevance ?? 0) < 4) {
      return null;
    }
    return toCodeLanguage(detected === 'xml' ? 'html' : detected);
  } catch {
    return null;
  }
}
