/** Pages a signed-in user is sent away from; redirecting there after login would loop. */
const GUEST_ONLY_PATHS = new Set(['/login', '/register']);

/** Control characters and backslashes: browsers strip or rewrite them (`/\evil.example`, `/<TAB>/evil`). */
function hasUnsafeCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c) {
      return true;
    }
  }
  return false;
}

/**
 * Turns the `next` query parameter into a path on this site to go to after
 * login, or `/` when it is missing or unsafe. OWASP unvalidated redirects:
 * only a path starting with exactly one `/` is kept — never `//host`, `/\host`,
 * a full URL or a scheme such as `javascript:` — and it must resolve to
 * `origin` itself.
 */
export function safeNextPath(next: string | null | undefined, origin: string): string {
  if (
    typeof next !== 'string' ||
    !next.startsWith('/') ||
    next.startsWith('//') ||
    hasUnsafeCharacter(next)
  ) {
    return '/';
  }
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(origin).origin || GUEST_ONLY_PATHS.has(url.pathname)) {
    return '/';
  }
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The login page address that brings the visitor back to `path` (pathname + search + hash) afterwards. */
export function loginPathFor(path: string): string {
  return path === '/' ? '/login' : `/login?${new URLSearchParams({ next: path }).toString()}`;
}
