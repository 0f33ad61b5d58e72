/** The longest title's text before its ellipsis. */
export const THREAD_TITLE_CHARS = 80;

/**
 * A thread's title, from its first turn: for Generate the first line of the
 * prompt; for Explain the first non-empty line of the code plus the level
 * and format ("def add(a, b): (beginner, overview)"). A title that leaves
 * something out (a longer line, more lines) ends in "…", so two different
 * inputs only share a title when their whole first line does and both go on.
 */
export function threadTitle(
  kind: 'generate' | 'explain',
  input: string,
  explain?: { level?: unknown; format?: unknown },
): string {
  const lines = input.split(/\r?\n/);
  const index = lines.findIndex((line) => line.trim() !== '');
  const first = index === -1 ? '' : (lines[index] ?? '').trim();
  const more = index !== -1 && lines.slice(index + 1).some((line) => line.trim() !== '');
  const chars = Array.from(first);
  const cut = chars.length > THREAD_TITLE_CHARS;
  const text = `${chars.slice(0, THREAD_TITLE_CHARS).join('').trimEnd()}${cut || more ? '…' : ''}`;
  if (kind === 'generate') {
    return text;
  }
  const level = typeof explain?.level === 'string' ? explain.level : undefined;
  const format = typeof explain?.format === 'string' ? explain.format : undefined;
  const about = [level, format].filter((x) => x !== undefined).join(', ');
  return about ? `${text} (${about})` : text;
}
