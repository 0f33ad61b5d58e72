import { toCodeLanguage, type CodeLanguage } from './languages';

/** Code taken out of an answer, with the language its fence named (if any). */
export interface ExtractedCode {
  code: string;
  language: CodeLanguage | null;
}

/**
 * The first fenced code block of a Markdown answer (closed or, for an answer
 * cut short, still open), the same rule the server uses for `code`. Used when
 * the run has no `done` result to take `code` from (stopped, failed).
 * Returns null when the answer has no fence or the block is empty.
 */
export function extractFirstCodeBlock(markdown: string): ExtractedCode | null {
  const open = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*\n/m.exec(markdown);
  if (!open) {
    return null;
  }
  const fence = open[1] ?? '```';
  const rest = markdown.slice(open.index + open[0].length);
  const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`, 'm').exec(
    rest,
  );
  const body = (closing ? rest.slice(0, closing.index) : rest).replace(/\n$/, '');
  if (body.trim() === '') {
    return null;
  }
  return { code: body, language: toCodeLanguage(open[2]) };
}

/**
 * The code of a run's answer: the server's extracted `code` once done, else
 * the first fenced block of what arrived, else (for completion models, which
 * answer with bare code) the whole output.
 */
export function codeOfAnswer(
  output: string,
  result: { code: string | null; language: string } | null,
  asCode: boolean,
): ExtractedCode | null {
  if (result?.code) {
    return { code: result.code, language: toCodeLanguage(result.language) };
  }
  const block = extractFirstCodeBlock(output);
  if (block) {
    return block;
  }
  return asCode && output.trim() !== '' ? { code: output.replace(/\n+$/, ''), language: null } : null;
}
