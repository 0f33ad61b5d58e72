import { normalizeLanguage, type CodeLanguage, type Language } from '../../shared/languages.js';

/**
 * Reading model output: the code in an answer, its language, and the
 * sections of a line-by-line explanation (tolerant of models that do not
 * follow the requested JSON exactly).
 */

const FENCE = /```[ \t]*([^\n`]*)\n([\s\S]*?)(?:\n```|$)/;

export interface ExtractedCode {
  code: string;
  language: CodeLanguage | 'text';
}

/**
 * Telltale constructs of each language with a weight. A piece of code gets
 * the weights of the signals it shows; the highest total wins. One signal
 * alone never decides between languages that share syntax (`:=` is Go and
 * Python's walrus; `done` ends a Bash loop and names a Python variable), so
 * signals are statements in their place, not words anywhere. Highlighters'
 * auto-detection (highlight.js) and flourite were tried on the same cases
 * and got short Python, Java and Rust wrong.
 */
const SIGNALS: Record<CodeLanguage, [RegExp, number][]> = {
  python: [
    // The colon ends the line, or a one-line body follows (not Scala's `): Int =`).
    [/^\s*def\s+\w+\s*\([^)]*\)\s*(->\s*[^:]+)?:\s*($|#|(return|pass|raise|yield)\b|\.\.\.)/m, 4],
    [/^\s*class \w+(\([^)]*\))?:\s*$/m, 4],
    [/^\s*(if|elif|while|for|with|try|except|else|finally)\b[^{};]*:\s*(#.*)?$/m, 3],
    [/^\s*(import [\w.]+(\s+as \w+)?|from [\w.]+ import [\w*, ]+)\s*$/m, 3],
    [/\b(True|False|None)\b/, 1],
    [/\bprint\(/, 1],
    [/\bself\.\w+/, 2],
    [/\b(elif|not in|is not)\b|\blambda\b[^:\n]*:/, 2],
  ],
  bash: [
    [/^#!\/(usr\/)?bin\/(env )?(ba|z)?sh\b/m, 6],
    [/^\s*(fi|done|esac)\s*(;.*)?$/m, 3],
    [/;\s*(then|do)\s*$/m, 3],
    [/^\s*(echo|export|local|source|cd|mkdir|rm|chmod|grep|sed|awk)\s+[^=(\s]/m, 2],
    [/\$\{?[A-Za-z_]\w*\}?|\$\(/, 1],
  ],
  sql: [
    [/^\s*SELECT\b[\s\S]*?\bFROM\b/im, 4],
    [/^\s*INSERT\s+INTO\b/im, 4],
    [/^\s*UPDATE\s+\w+\s+SET\b/im, 4],
    [/^\s*DELETE\s+FROM\b/im, 4],
    [/^\s*(CREATE|ALTER|DROP)\s+(TABLE|INDEX|VIEW)\b/im, 4],
  ],
  rust: [
    [/\bfn\s+\w+\s*(<[^>]*>)?\s*\(/, 3],
    [/\blet\s+mut\b/, 3],
    [/\bimpl\b[^{]*\{/, 2],
    [/\b(println|vec|format|panic)!\(/, 3],
    // Outweighs C++'s `std::`, which a Rust `use std::...` also shows.
    [/^\s*use\s+\w+(::\w+)+/m, 4],
  ],
  go: [
    [/^package\s+\w+/m, 4],
    [/\bfunc\s+(\([^)]*\)\s*)?\w+\s*\(/, 3],
    [/^\s*[\w, ]+\s*:=\s*/m, 1],
    [/\bfmt\.\w+\(/, 3],
  ],
  csharp: [
    [/\busing\s+System(\.\w+)*;/, 4],
    [/\bnamespace\s+[\w.]+/, 2],
    [/\bConsole\.Write(Line)?\(/, 4],
    [/\bstatic\s+void\s+Main\s*\(/, 3],
  ],
  java: [
    [/\bSystem\.out\.print(ln)?\(/, 4],
    [/\bpublic\s+(final\s+|abstract\s+)?class\s+\w+/, 2],
    [/\bstatic\s+void\s+main\s*\(\s*String/, 4],
    [/^import\s+java(x)?\.[\w.]+;/m, 4],
  ],
  c: [
    [/#include\s*<\w+\.h>/, 3],
    [/\bprintf\s*\(/, 2],
    [/\bint\s+main\s*\(/, 2],
    [/\b(malloc|free)\s*\(/, 1],
  ],
  cpp: [
    [/#include\s*<(iostream|vector|string|map|memory|algorithm|unordered_map)>/, 4],
    [/\bstd::/, 3],
    [/\b(cout|cin)\s*(<<|>>)/, 3],
    [/\bint\s+main\s*\(/, 2],
  ],
  javascript: [
    [/\b(const|let|var)\s+\w+\s*=/, 1],
    [/=>/, 1],
    [/\bfunction\s*\w*\s*\(/, 2],
    [/\bconsole\.(log|error)\(/, 2],
    [/\brequire\(['"]|\bmodule\.exports\b/, 2],
  ],
  typescript: [
    [/\b(const|let|var)\s+\w+\s*=/, 1],
    [/=>/, 1],
    [/\bfunction\s*\w*\s*\(/, 2],
    [/\bconsole\.(log|error)\(/, 2],
    [/[\w)]\s*:\s*(string|number|boolean|void|any|unknown)\b/, 3],
    [/\binterface\s+\w+\s*\{/, 3],
    [/\btype\s+\w+\s*=/, 3],
  ],
};

/** On a tie the language listed first wins: a plain language before its superset. */
const BY_PRECEDENCE: CodeLanguage[] = [
  'python',
  'bash',
  'sql',
  'c',
  'cpp',
  'java',
  'csharp',
  'go',
  'rust',
  'javascript',
  'typescript',
];

/** The language of a piece of code, by telltale constructs; undefined when nothing tells. */
export function detectLanguage(code: string): CodeLanguage | undefined {
  let best: CodeLanguage | undefined;
  let bestScore = 0;
  for (const language of BY_PRECEDENCE) {
    const score = SIGNALS[language].reduce((sum, [re, weight]) => sum + (re.test(code) ? weight : 0), 0);
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The code of an answer: the first fenced block, or the whole answer (base
 * models continue the code itself). The language is the requested one,
 * else the fence label, else a detected one, else "text".
 */
export function extractCode(output: string, requested: Language): ExtractedCode {
  const match = FENCE.exec(output);
  const code = (match ? (match[2] ?? '') : output).replace(/^\n+|\s+$/g, '');
  const language =
    (requested === 'any' ? undefined : requested) ??
    normalizeLanguage(match?.[1]?.split(/\s/)[0]) ??
    detectLanguage(code) ??
    'text';
  return { code, language };
}

export interface Section {
  startLine: number;
  endLine: number;
  explanation: string;
}

function toSection(value: unknown): Section | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const start = Number(v.startLine ?? v.start ?? v.from ?? v.line);
  const end = Number(v.endLine ?? v.end ?? v.to ?? v.startLine ?? v.start ?? v.line);
  const text = v.explanation ?? v.text ?? v.description;
  if (!Number.isFinite(start) || !Number.isFinite(end) || typeof text !== 'string' || text.trim() === '') {
    return undefined;
  }
  return { startLine: Math.trunc(start), endLine: Math.trunc(end), explanation: text.trim() };
}

/** Sections from JSON anywhere in the text, if any parse. */
function fromJson(text: string): Section[] {
  const candidates: string[] = [text];
  const fenced = FENCE.exec(text)?.[2];
  if (fenced) {
    candidates.push(fenced);
  }
  for (const [open, close] of [
    ['{', '}'],
    ['[', ']'],
  ] as const) {
    const a = text.indexOf(open);
    const b = text.lastIndexOf(close);
    if (a >= 0 && b > a) {
      candidates.push(text.slice(a, b + 1));
    }
  }
  for (const candidate of candidates) {
    try {
      const parsed = JSON.parse(candidate) as unknown;
      const list = Array.isArray(parsed) ? parsed : (parsed as { sections?: unknown }).sections;
      if (Array.isArray(list)) {
        const sections = list.map(toSection).filter((s): s is Section => s !== undefined);
        if (sections.length > 0) {
          return sections;
        }
      }
    } catch {
      // not JSON; try the next candidate
    }
  }
  return [];
}

/** Sections from lines such as "Lines 3-5: ..." or "4. ...". */
function fromText(text: string): Section[] {
  const re =
    /^\s*(?:[-*]\s*)?(?:\*\*)?(?:lines?\s*)?(\d+)(?:\s*(?:-|–|to)\s*(\d+))?(?:\*\*)?\s*[:.)\]-]\s*(.+)$/gim;
  const sections: Section[] = [];
  for (const m of text.matchAll(re)) {
    const start = Number(m[1]);
    sections.push({ startLine: start, endLine: Number(m[2] ?? start), explanation: (m[3] ?? '').trim() });
  }
  return sections;
}

/**
 * Turns a line-by-line answer into ordered sections that cover lines 1..N
 * without overlap: clamped, sorted, gaps folded into the section before
 * (or after, at the start). An answer with no usable structure becomes one
 * section for the whole code.
 */
export function parseSections(text: string, lineCount: number): Section[] {
  const n = Math.max(1, lineCount);
  let sections = fromJson(text);
  if (sections.length === 0) {
    sections = fromText(text);
  }
  const cleaned = sections
    .map((s) => {
      const a = Math.min(Math.max(1, s.startLine), n);
      const b = Math.min(Math.max(1, s.endLine), n);
      return { startLine: Math.min(a, b), endLine: Math.max(a, b), explanation: s.explanation };
    })
    .sort((x, y) => x.startLine - y.startLine || x.endLine - y.endLine);

  const result: Section[] = [];
  for (const s of cleaned) {
    const prev = result.at(-1);
    if (!prev) {
      result.push({ ...s, startLine: 1 });
      continue;
    }
    if (s.endLine <= prev.endLine) {
      prev.explanation = `${prev.explanation}\n\n${s.explanation}`;
      continue;
    }
    // Overlaps start after the previous section; gaps join the previous one.
    prev.endLine = Math.max(prev.endLine, Math.min(s.startLine - 1, n));
    result.push({ ...s, startLine: prev.endLine + 1 });
  }
  const last = result.at(-1);
  if (!last) {
    return [{ startLine: 1, endLine: n, explanation: text.trim() || 'No explanation was produced.' }];
  }
  last.endLine = n;
  return result;
}
