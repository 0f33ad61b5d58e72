import type { Section } from '../api/generation.api';

/**
 * The sections of a line-by-line explanation that have fully arrived, read
 * from the JSON the model is still writing (`{"sections": [{...}, {...`), so
 * the page can show each one as soon as it is complete. The server's `done`
 * event brings the final, cleaned-up list.
 */
export function completedSections(streamed: string): Section[] {
  const sections: Section[] = [];
  const starts: number[] = [];
  let inString = false;
  let escaped = false;
  for (let i = 0; i < streamed.length; i++) {
    const ch = streamed[i];
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (ch === '\\') {
        escaped = true;
      } else if (ch === '"') {
        inString = false;
      }
      continue;
    }
    if (ch === '"') {
      inString = true;
    } else if (ch === '{') {
      starts.push(i);
    } else if (ch === '}') {
      const start = starts.pop();
      if (start !== undefined) {
        const section = toSection(streamed.slice(start, i + 1));
        if (section) {
          sections.push(section);
        }
      }
    }
  }
  return sections;
}

function toSection(json: string): Section | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const { startLine, endLine, explanation } = value as Record<string, unknown>;
  if (typeof startLine !== 'number' || typeof explanation !== 'string') {
    return null;
  }
  return { startLine, endLine: typeof endLine === 'number' ? endLine : startLine, explanation };
}

/** The section a line belongs to (index), for highlighting; -1 when none does. */
export function sectionOfLine(sections: readonly Section[], line: number): number {
  return sections.findIndex((s) => line >= s.startLine && line <= s.endLine);
}
