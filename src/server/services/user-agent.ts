import Bowser from 'bowser';

/** "Chrome 156 on Linux" from a User-Agent header, for the sessions and activity lists. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) {
    return 'Unknown device';
  }
  const parser = Bowser.getParser(userAgent);
  const browser = parser.getBrowserName();
  const version = parser.getBrowserVersion()?.split('.')[0] ?? '';
  const os = parser.getOSName();
  if (!browser) {
    // API clients: curl/8.1, python-requests/2.31 ...
    return userAgent.split(/[\s(]/)[0]?.slice(0, 60) ?? 'Unknown device';
  }
  return `${browser}${version ? ` ${version}` : ''}${os ? ` on ${os}` : ''}`;
}
