import type { Language } from '../api/generation.api';

/** The languages people can ask for, in the order the pickers show them. */
export const LANGUAGE_OPTIONS: readonly { value: Language; label: string }[] = [
  { value: 'any', label: 'Any language' },
  { value: 'python', label: 'Python' },
  { value: 'javascript', label: 'JavaScript' },
  { value: 'typescript', label: 'TypeScript' },
  { value: 'java', label: 'Java' },
  { value: 'c', label: 'C' },
  { value: 'cpp', label: 'C++' },
  { value: 'csharp', label: 'C#' },
  { value: 'go', label: 'Go' },
  { value: 'rust', label: 'Rust' },
  { value: 'sql', label: 'SQL' },
  { value: 'bash', label: 'Bash' },
];

/**
 * Languages the highlighter knows: the API's, plus a few that answers often
 * contain (JSON, HTML, shell sessions). The highlighter module registers the
 * same list.
 */
export type CodeLanguage = Exclude<Language, 'any'> | 'json' | 'html' | 'css' | 'yaml';

/** Fence labels and file extensions models use, mapped to a highlighter language. */
const ALIASES: Record<string, CodeLanguage> = {
  python: 'python',
  py: 'python',
  python3: 'python',
  javascript: 'javascript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  node: 'javascript',
  typescript: 'typescript',
  ts: 'typescript',
  tsx: 'typescript',
  java: 'java',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  'c++': 'cpp',
  cc: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  csharp: 'csharp',
  'c#': 'csharp',
  cs: 'csharp',
  go: 'go',
  golang: 'go',
  rust: 'rust',
  rs: 'rust',
  sql: 'sql',
  postgresql: 'sql',
  mysql: 'sql',
  sqlite: 'sql',
  bash: 'bash',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
  json: 'json',
  html: 'html',
  xml: 'html',
  css: 'css',
  yaml: 'yaml',
  yml: 'yaml',
};

const EXTENSIONS: Record<CodeLanguage, string> = {
  python: 'py',
  javascript: 'js',
  typescript: 'ts',
  java: 'java',
  c: 'c',
  cpp: 'cpp',
  csharp: 'cs',
  go: 'go',
  rust: 'rs',
  sql: 'sql',
  bash: 'sh',
  json: 'json',
  html: 'html',
  css: 'css',
  yaml: 'yaml',
};

const LABELS: Record<CodeLanguage, string> = {
  python: 'Python',
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  java: 'Java',
  c: 'C',
  cpp: 'C++',
  csharp: 'C#',
  go: 'Go',
  rust: 'Rust',
  sql: 'SQL',
  bash: 'Bash',
  json: 'JSON',
  html: 'HTML',
  css: 'CSS',
  yaml: 'YAML',
};

/** The highlighter language for a fence label or API language, or null when unknown (or `any`). */
export function toCodeLanguage(label: string | null | undefined): CodeLanguage | null {
  if (!label) {
    return null;
  }
  return ALIASES[label.trim().toLowerCase()] ?? null;
}

/** "Python", "C++" ...; "Code" when the language is unknown. */
export function languageLabel(language: CodeLanguage | null): string {
  return language ? LABELS[language] : 'Code';
}

/** Highlighter-only languages the API does not list. */
const NOT_IN_API = new Set<CodeLanguage>(['json', 'html', 'css', 'yaml']);

/** The API language for a code language, `any` for those the API does not list. */
export function toApiLanguage(language: CodeLanguage | null): Language {
  return language === null || NOT_IN_API.has(language) ? 'any' : (language as Exclude<Language, 'any'>);
}

/**
 * A file name for downloading `code`: `snippet.<ext>`, except where the
 * language ties the file name to the code (a public Java class must live in
 * `<ClassName>.java`).
 */
export function downloadFileName(code: string, language: CodeLanguage | null): string {
  if (language === 'java') {
    const match =
      /\bpublic\s+(?:(?:final|abstract|sealed)\s+)*(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)/.exec(
        code,
      );
    if (match?.[1]) {
      return `${match[1]}.java`;
    }
  }
  if (language === 'go' && /^\s*package\s+main\b/m.test(code)) {
    return 'main.go';
  }
  return `snippet.${language ? EXTENSIONS[language] : 'txt'}`;
}
