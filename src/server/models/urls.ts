/**
 * A server URL as administrators see it (the log, the Admin page): without
 * a user name or password. Users never see it (their messages name the
 * model, not the host).
 */
export function urlForLog(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
