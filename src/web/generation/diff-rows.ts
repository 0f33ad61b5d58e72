import { diffArrays } from 'diff';

/** One side of a row: a line number (1-based) and its text. */
export interface DiffCell {
  line: number;
  text: string;
}

/**
 * A row of the side-by-side view. `changed`: a line replaced by another;
 * `removed`: only on the left; `added`: only on the right.
 */
export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added';
  left: DiffCell | null;
  right: DiffCell | null;
}

/** The side-by-side rows of two pieces of code, and how many rows differ. */
export interface SideBySide {
  rows: DiffRow[];
  changedRows: number;
}

function splitLines(code: string): string[] {
  const lines = code.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/**
 * Lines of `left` and `right` aligned side by side (a line diff; trailing
 * spaces do not count as a difference). A run of removed lines followed by
 * added ones is shown as changed lines next to each other.
 */
export function sideBySide(left: string, right: string): SideBySide {
  const a = splitLines(left);
  const b = splitLines(right);
  const changes = diffArrays(a, b, { comparator: (x: string, y: string) => x.trimEnd() === y.trimEnd() });
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  for (let c = 0; c < changes.length; c++) {
    const change = changes[c];
    if (!change) {
      continue;
    }
    const count = change.count;
    if (!change.added && !change.removed) {
      for (let k = 0; k < count; k++) {
        rows.push({ kind: 'same', left: cell(a, i++), right: cell(b, j++) });
      }
      continue;
    }
    if (change.removed) {
      const next = changes[c + 1];
      const added = next?.added === true ? next.count : 0;
      const removedLines = a.slice(i, i + count);
      const addedLines = b.slice(j, j + added);
      for (const step of alignBlock(removedLines, addedLines)) {
        if (step === 'pair') {
          rows.push({ kind: 'changed', left: cell(a, i++), right: cell(b, j++) });
        } else if (step === 'left') {
          rows.push({ kind: 'removed', left: cell(a, i++), right: null });
        } else {
          rows.push({ kind: 'added', left: null, right: cell(b, j++) });
        }
      }
      if (added > 0) {
        c++;
      }
      continue;
    }
    for (let k = 0; k < count; k++) {
      rows.push({ kind: 'added', left: null, right: cell(b, j++) });
    }
  }
  return { rows, changedRows: rows.filter((r) => r.kind !== 'same').length };
}

function cell(lines: readonly string[], index: number): DiffCell {
  return { line: index + 1, text: lines[index] ?? '' };
}

/** Below this, two lines are different lines rather than one line changed. */
const SIMILAR = 0.4;
/** Larger blocks are paired in order: the alignment is quadratic. */
const MAX_ALIGNED_CELLS = 40_000;

/**
 * Pairs the lines of a removed block with those of the added block that
 * replaced them, in order, so that a changed line sits next to its new
 * version and an inserted line shows as added (not as a "change" of
 * whatever line happened to be at its position). Maximises the summed
 * similarity of the pairs (dynamic programming, like an LCS).
 */
function alignBlock(left: readonly string[], right: readonly string[]): ('pair' | 'left' | 'right')[] {
  const m = left.length;
  const n = right.length;
  if (m === 0 || n === 0 || m * n > MAX_ALIGNED_CELLS) {
    const steps: ('pair' | 'left' | 'right')[] = [];
    for (let k = 0; k < Math.max(m, n); k++) {
      steps.push(k < m && k < n ? 'pair' : k < m ? 'left' : 'right');
    }
    return steps;
  }
  // best[x][y]: best score aligning left[x..] with right[y..].
  const best = Array.from({ length: m + 1 }, () => new Float64Array(n + 1));
  const score = (x: number, y: number) => similarity(left[x] ?? '', right[y] ?? '');
  for (let x = m - 1; x >= 0; x--) {
    for (let y = n - 1; y >= 0; y--) {
      const s = score(x, y);
      const row = best[x];
      if (row) {
        row[y] = Math.max(
          best[x + 1]?.[y] ?? 0,
          row[y + 1] ?? 0,
          s >= SIMILAR ? s + (best[x + 1]?.[y + 1] ?? 0) : -Infinity,
        );
      }
    }
  }
  const steps: ('pair' | 'left' | 'right')[] = [];
  let x = 0;
  let y = 0;
  while (x < m && y < n) {
    const here = best[x]?.[y] ?? 0;
    const s = score(x, y);
    if (s >= SIMILAR && here === s + (best[x + 1]?.[y + 1] ?? 0)) {
      steps.push('pair');
      x++;
      y++;
    } else if (here === (best[x + 1]?.[y] ?? 0)) {
      steps.push('left');
      x++;
    } else {
      steps.push('right');
      y++;
    }
  }
  for (; x < m; x++) {
    steps.push('left');
  }
  for (; y < n; y++) {
    steps.push('right');
  }
  return steps;
}

/** Dice coefficient of the character pairs of two lines (leading and trailing spaces ignored), 0–1. */
function similarity(p: string, q: string): number {
  const a = p.trim();
  const b = q.trim();
  if (a === b) {
    return 1;
  }
  if (a.length < 2 || b.length < 2) {
    return 0;
  }
  const pairs = new Map<string, number>();
  for (let k = 0; k < a.length - 1; k++) {
    const pair = a.slice(k, k + 2);
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  let shared = 0;
  for (let k = 0; k < b.length - 1; k++) {
    const pair = b.slice(k, k + 2);
    const left = pairs.get(pair) ?? 0;
    if (left > 0) {
      shared++;
      pairs.set(pair, left - 1);
    }
  }
  return (2 * shared) / (a.length - 1 + (b.length - 1));
}
