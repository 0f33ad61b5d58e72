/**
 * The programming languages CodeGenie offers, shared by the server (prompts,
 * code extraction) and the web app (pickers, highlighting, downloads).
 */

export const LANGUAGES = [
  'any',
  'python',
  'javascript',
  'typescript',
  'java',
  'c',
  'cpp',
  'csharp',
  'go',
  'rust',
  'sql',
  'bash',
] as const;
export type Language = (typeof LANGUAGES)[number];
export type CodeLanguage = Exclude<Language, 'any'>;

export const LANGUAGE_NAMES: Record<CodeLanguage, string> = {
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
};

/** File extension for downloads. */
export const LANGUAGE_EXTENSIONS: Record<CodeLanguage, string> = {
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
};

/** Fence labels and file extensions mapped to our language ids. */
const ALIASES: Record<string, CodeLanguage> = {
  py: 'python',
  python3: 'python',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  node: 'javascript',
  javascriptreact: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  h: 'c',
  'c++': 'cpp',
  cc: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  'c#': 'csharp',
  cs: 'csharp',
  golang: 'go',
  rs: 'rust',
  postgresql: 'sql',
  mysql: 'sql',
  sqlite: 'sql',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
};

/** Our language id for a fence label such as "py" or "C++"; undefined when unknown. */
export function normalizeLanguage(label: string | undefined): CodeLanguage | undefined {
  if (!label) {
    return undefined;
  }
  const key = label.trim().toLowerCase();
  // Own keys only: a fence label such as "constructor" or "toString" must not match Object.prototype.
  if (Object.hasOwn(LANGUAGE_NAMES, key)) {
    return key as CodeLanguage;
  }
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
}
