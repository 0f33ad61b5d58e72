/**
 * The stored languages a history filter's `language` matches. "any" (the
 * History page's "Not specified") means the run's language is unknown: a
 * failed or stopped "any" run keeps "any", while a finished one is filed under
 * what was detected, or "text" when nothing was (models/output.ts), and "text"
 * is no language a request can ask for, so both are unknown.
 */
export function storedLanguages(language: string): string[] {
  return language === 'any' ? ['any', 'text'] : [language];
}
