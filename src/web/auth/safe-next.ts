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

/** A `%2F`/`%5C` or control character anywhere, once decoded, is not a path a link of ours makes. */
function decodedIsOdd(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded.includes('//') || hasUnsafeCharacter(decoded) || /%(2f|5c)/i.test(path);
}

/**
 * Turns the `next` query parameter into a path on this site to go to after
 * login, or `/` when it is missing or odd. OWASP unvalidated redirects: the
 * value is resolved with the URL API against `origin` and kept only when it
 * stays on that origin and its resolved path starts with exactly one `/` —
 * `/..//host/x` resolves to the path `//host/x`, which a router or browser
 * reads as another host — and nothing decodes into such a path (`/%2F%2Fhost`,
 * `/%5Chost`). Backslashes, controls, `//host`, full URLs and schemes such as
 * `javascript:` never get that far.
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
  if (
    url.origin !== new URL(origin).origin ||
    // An empty segment anywhere (`/a//b`) is odd; at the start it names another host.
    url.pathname.includes('//') ||
    decodedIsOdd(url.pathname) ||
    GUEST_ONLY_PATHS.has(url.pathname)
  ) {
    return '/';
  }
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The login page address that brings the visitor back to `path` (pathname + search + hash) afterwards. */
export function loginPathFor(path: string): string {
  return path === '/' ? '/login' : `/login?${new URLSearchParams({ next: path }).toString()}`;
}
