/**
 * What CodeGenie itself needs to know of a MongoDB connection string: the
 * hosts (for messages), the database name and the password (to keep it out
 * of every message). Everything else (TLS, authSource, replicaSet, SRV
 * lookup) is the driver's business. No driver import here, so db:copy and
 * the config can use it too.
 */

/** The database used when the connection string names none. */
export const DEFAULT_DATABASE = 'codegenie';

export interface MongoTarget {
  /** `host:port` entries as written, or the SRV name for `mongodb+srv://`. */
  hosts: string[];
  /** True for `mongodb+srv://` (Atlas): the hosts come from a DNS SRV record. */
  srv: boolean;
  /** From the URI path; DEFAULT_DATABASE when absent. */
  database: string;
  /** The password as written and decoded, for redaction; empty when none. */
  secrets: string[];
}

interface UriParts {
  scheme: string;
  userinfo: string | null;
  password: string;
  hosts: string;
  path: string;
  query: string | null;
}

const SCHEME = /^(mongodb(?:\+srv)?):\/\//;

/**
 * The driver's own split (mongodb-connection-string-url): user name up to the
 * first ":" or "@", password up to the first "@", hosts up to "/", "?" or "@".
 * Using the same rule means the hosts we name are the ones it dials.
 */
const PARTS = /^(mongodb(?:\+srv)?):\/\/(?:([^:@]*)(?::([^@]*))?@)?([^/?@]*)(\/[^?@]*)?(\?.*)?$/s;

/** True when the URL is a MongoDB connection string (`mongodb://` or `mongodb+srv://`). */
export function isMongoUrl(url: string): boolean {
  return SCHEME.test(url);
}

function split(uri: string): UriParts {
  if (!SCHEME.test(uri)) {
    throw new Error('A MongoDB connection string must start with mongodb:// or mongodb+srv://.');
  }
  const m = PARTS.exec(uri);
  if (!m) {
    // An unescaped "@" or "/" in the user name or password: saying more would
    // echo part of the password.
    throw new Error(
      'The MongoDB connection string is not valid: percent-encode special characters in the user name and password (@ as %40, / as %2F, : as %3A).',
    );
  }
  const [, scheme = '', user, password, hosts = '', path = '', query] = m;
  return {
    scheme,
    userinfo: user === undefined ? null : password === undefined ? user : `${user}:${password}`,
    password: password ?? '',
    hosts,
    path: path.slice(1),
    query: query === undefined ? null : query.slice(1),
  };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Reads hosts, database and password out of a connection string; throws (without the password) when it is not one. */
export function parseMongoUri(uri: string): MongoTarget {
  const parts = split(uri);
  const password = parts.password;
  return {
    hosts: parts.hosts.split(',').filter((h) => h.length > 0),
    srv: parts.scheme === 'mongodb+srv',
    database: decode(parts.path) || DEFAULT_DATABASE,
    secrets: password ? [...new Set([password, decode(password)])] : [],
  };
}

/** The same connection string with another database in its path (tests use a fresh one per run). */
export function withDatabase(uri: string, database: string): string {
  const p = split(uri);
  const userinfo = p.userinfo === null ? '' : `${p.userinfo}@`;
  const query = p.query === null ? '' : `?${p.query}`;
  return `${p.scheme}://${userinfo}${p.hosts}/${encodeURIComponent(database)}${query}`;
}

/** Replaces every secret of the target in `text`. */
export function redact(text: string, target: Pick<MongoTarget, 'secrets'>): string {
  let out = text;
  for (const secret of target.secrets) {
    out = out.split(secret).join('***');
  }
  return out;
}

/** "db.example.com:27017, db2.example.com:27017 (database codegenie)", with no credentials. */
export function describeTarget(target: MongoTarget): string {
  const hosts = target.hosts.length > 0 ? target.hosts.join(', ') : '(no host)';
  return `${hosts}${target.srv ? ' (SRV)' : ''}, database ${target.database}`;
}
