import { LANGUAGE_EXTENSIONS, LANGUAGE_NAMES, LANGUAGES, normalizeLanguage } from '../../shared/languages';
import type { Language } from '../api/generation.api';

/** The languages people can ask for, in the order the pickers show them. */
export const LANGUAGE_OPTIONS: readonly { value: Language; label: string }[] = LANGUAGES.map((value) => ({
  value,
  label: value === 'any' ? 'Any language' : LANGUAGE_NAMES[value],
}));

/**
 * Languages the highlighter knows: the API's, plus a few that answers often
 * contain (JSON, HTML, shell sessions). The highlighter module registers the
 * same list.
 */
export type CodeLanguage = Exclude<Language, 'any'> | 'json' | 'html' | 'css' | 'yaml';

/** Highlighter-only languages, by the fence labels models use for them. */
const EXTRA_ALIASES: Record<string, CodeLanguage> = {
  json: 'json',
  html: 'html',
  xml: 'html',
  css: 'css',
  yaml: 'yaml',
  yml: 'yaml',
};

const EXTENSIONS: Record<CodeLanguage, string> = {
  ...LANGUAGE_EXTENSIONS,
  json: 'json',
  html: 'html',
  css: 'css',
  yaml: 'yaml',
};

const LABELS: Record<CodeLanguage, string> = {
  ...LANGUAGE_NAMES,
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
  return normalizeLanguage(label) ?? EXTRA_ALIASES[label.trim().toLowerCase()] ?? null;
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
