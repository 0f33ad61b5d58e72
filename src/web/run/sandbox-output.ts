/**
 * Pure helpers of the runner (src/web/run/runner.ts): the output limit and
 * Python tracebacks without Pyodide's own frames.
 */

const encoder = new TextEncoder();

/** Keeps the first `limit` UTF-8 bytes of a run's output (stdout and stderr together) and notes whether more came. */
export class OutputCap {
  private used = 0;
  /** True once output past the limit was dropped. */
  truncated = false;

  constructor(private readonly limit: number) {}

  /** The part of `text` that still fits ('' when none); never splits a character. */
  take(text: string): string {
    if (this.truncated) {
      return '';
    }
    const bytes = encoder.encode(text).length;
    if (this.used + bytes <= this.limit) {
      this.used += bytes;
      return text;
    }
    this.truncated = true;
    let room = this.limit - this.used;
    let kept = '';
    for (const char of text) {
      const size = encoder.encode(char).length;
      if (size > room) {
        break;
      }
      kept += char;
      room -= size;
    }
    this.used = this.limit - room;
    return kept;
  }
}

/** Pyodide's own frames (its runPython machinery) are noise in a user's traceback. */
const PYODIDE_FRAME = /^ {2}File "\/lib\/python[^"/]*\/(?:site-packages\/)?_pyodide\//;

/** A Python traceback without the frames of Pyodide's code that ran the user's. */
export function cleanTraceback(traceback: string): string {
  const lines = traceback.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (PYODIDE_FRAME.test(line)) {
      // A frame is its "File" line and the indented source lines under it.
      while (i + 1 < lines.length && /^ {4}/.test(lines[i + 1] ?? '')) {
        i++;
      }
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n');
}
