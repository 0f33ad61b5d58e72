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

/** Rough guesses by telltale constructs, most specific first. */
const DETECTORS: [CodeLanguage, RegExp][] = [
  ['bash', /^#!\/(usr\/)?bin\/(env )?(ba)?sh|^\s*(echo|export|fi|done)\b.*$/m],
  ['sql', /^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE TABLE|WITH)\b/im],
  ['rust', /\bfn\s+\w+\s*\(|\blet\s+mut\b|\bimpl\b|println!/],
  ['go', /^package\s+\w+|\bfunc\s+\w*\s*\(|:=\s/m],
  [
    'csharp',
    /\busing\s+System\b|\bnamespace\s+\w+|\bpublic\s+(static\s+)?(void|string|int)\s+\w+\s*\(.*\)\s*$/m,
  ],
  ['java', /\bpublic\s+(static\s+)?(class|void)\b|System\.out\.println/],
  ['cpp', /#include\s*<(iostream|vector|string|map)>|\bstd::|\bcout\s*<</],
  ['c', /#include\s*<\w+\.h>|\bprintf\s*\(|\bint\s+main\s*\(/],
  ['typescript', /:\s*(string|number|boolean|void)\b|\binterface\s+\w+\s*\{|\btype\s+\w+\s*=/],
  ['javascript', /\b(const|let)\s+\w+\s*=|=>|\bfunction\s+\w+\s*\(|console\.log/],
  ['python', /^\s*(def|class)\s+\w+.*:\s*$|^\s*(import|from)\s+\w+|\bprint\(/m],
];

/** The language of a piece of code, by telltale constructs; undefined when unsure. */
export function detectLanguage(code: string): CodeLanguage | undefined {
  return DETECTORS.find(([, re]) => re.test(code))?.[0];
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
