import {
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoParseError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import {
  AppError,
  ConflictError,
  StoreFullError,
  StoreTimeoutError,
  StoreUnavailableError,
} from '../../errors.js';
import { MESSAGES } from '../../../shared/messages.js';
import { describeTarget, redact, type MongoTarget } from './mongo-uri.js';

/**
 * Driver errors translated at the adapter's boundary, by class and code,
 * never by message text (CONVENTIONS.md).
 */

const DUPLICATE_KEY = new Set([11000, 11001]);

/** Index keys to the port's field names (details.fields of a ConflictError). */
const FIELD_OF_KEY: Record<string, string> = { usernameKey: 'username', email: 'email', _id: 'id' };

/**
 * Server codes meaning "no usable primary right now" (elections, shutdown,
 * network inside the cluster): the request may succeed once it is back.
 * https://github.com/mongodb/specifications (server-discovery-and-monitoring, retryable-writes)
 */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** The server's disk is full (OutOfDiskSpace): 507 store_full, as SQLite's SQLITE_FULL. */
const OUT_OF_DISK_SPACE = 14031;

/** MaxTimeMSExpired: the server stopped an operation at its maxTimeMS (503 store_timeout). */
const MAX_TIME_MS_EXPIRED = 50;

const UNAVAILABLE_CLASSES = [
  MongoNetworkError, // includes MongoNetworkTimeoutError
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoNotConnectedError,
  MongoClientClosedError,
  MongoServerClosedError,
  MongoOperationTimeoutError,
];

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

/**
 * For a duplicate-key error (11000), the port's name of the field in
 * conflict, from the error's keyPattern (or keyValue); null when the server
 * did not say. Undefined for any other error.
 */
export function duplicateKeyField(error: unknown): string | null | undefined {
  if (
    !(error instanceof MongoServerError) ||
    typeof error.code !== 'number' ||
    !DUPLICATE_KEY.has(error.code)
  ) {
    return undefined;
  }
  const response = record(error.errorResponse);
  const pattern =
    record(error.keyPattern) ??
    record(response?.keyPattern) ??
    record(error.keyValue) ??
    record(response?.keyValue);
  const key = pattern ? Object.keys(pattern)[0] : undefined;
  return key === undefined ? null : (FIELD_OF_KEY[key] ?? key);
}

/** The ConflictError the SQLite adapter throws for the same field. */
export function conflict(field: string): ConflictError {
  const message =
    field === 'username'
      ? MESSAGES.usernameTaken
      : field === 'email'
        ? MESSAGES.emailTaken
        : `A record with this ${field} already exists.`;
  return new ConflictError(message, { fields: { [field]: message } });
}

/** True when the store cannot be reached now but may be later (503, retry). */
export function isUnavailable(error: unknown): boolean {
  if (UNAVAILABLE_CLASSES.some((type) => error instanceof type)) {
    return true;
  }
  if (error instanceof MongoError) {
    return (
      (typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code)) ||
      error.hasErrorLabel('ResetPool') ||
      error.hasErrorLabel('RetryableWriteError')
    );
  }
  return false;
}

/** The port's error for a driver error; AppErrors and unknown errors pass unchanged. */
export function translateError(error: unknown): unknown {
  if (error instanceof AppError) {
    return error;
  }
  const field = duplicateKeyField(error);
  if (field !== undefined) {
    return conflict(field ?? 'id');
  }
  if (error instanceof MongoServerError && error.code === OUT_OF_DISK_SPACE) {
    return new StoreFullError();
  }
  if (error instanceof MongoServerError && error.code === MAX_TIME_MS_EXPIRED) {
    return new StoreTimeoutError();
  }
  if (isUnavailable(error)) {
    return new StoreUnavailableError();
  }
  return error;
}

/** Runs one store operation, translating what the driver throws. */
export async function atBoundary<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateError(error);
  }
}

// --- Start-up failures -----------------------------------------------------

/** Why a connection attempt failed, as far as the errors tell. */
export type ConnectCause =
  'parse' | 'auth' | 'permission' | 'server' | 'file' | 'tls' | 'dns' | 'refused' | 'network';

/** The code and name of an error the server answered, found in the error, its causes or a selection failure's servers. */
export function serverErrorOf(error: unknown, depth = 0): { code: number; codeName: string } | null {
  const e = record(error);
  if (!e || depth > 6) {
    return null;
  }
  if (error instanceof MongoServerError && typeof error.code === 'number') {
    return { code: error.code, codeName: error.codeName ?? 'unnamed' };
  }
  const servers = record(e.reason)?.servers;
  const inner = servers instanceof Map ? [...servers.values()].map((s) => record(s)?.error) : [];
  for (const candidate of [e.cause, ...inner]) {
    const found = serverErrorOf(candidate, depth + 1);
    if (found) {
      return found;
    }
  }
  return null;
}

interface Facts {
  names: Set<string>;
  codes: Set<string | number>;
  syscalls: Set<string>;
}

/** Collects class names, codes and syscalls of the error, its causes and the per-server errors of a selection failure. */
function collect(
  error: unknown,
  facts: Facts = { names: new Set(), codes: new Set(), syscalls: new Set() },
  depth = 0,
) {
  const e = record(error);
  if (!e || depth > 6) {
    return facts;
  }
  if (error instanceof Error) {
    facts.names.add(error.name);
  }
  if (typeof e.code === 'string' || typeof e.code === 'number') {
    facts.codes.add(e.code);
  }
  if (typeof e.syscall === 'string') {
    facts.syscalls.add(e.syscall);
  }
  collect(e.cause, facts, depth + 1);
  const servers = record(e.reason)?.servers;
  if (servers instanceof Map) {
    for (const server of servers.values()) {
      collect(record(server)?.error, facts, depth + 1);
    }
  }
  return facts;
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/;
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ESERVFAIL', 'ENODATA', 'EAI_FAIL', 'ENOTIMP']);
const DNS_SYSCALLS = new Set(['getaddrinfo', 'querySrv', 'queryTxt']);

/** Classifies a failed connection attempt. */
export function connectCause(error: unknown): ConnectCause {
  const { names, codes, syscalls } = collect(error);
  const has = (test: (code: string | number) => boolean) => [...codes].some(test);
  if (error instanceof MongoParseError || names.has('MongoParseError')) {
    return 'parse';
  }
  if (codes.has(18) || names.has('MongoMissingCredentialsError')) {
    return 'auth'; // 18 AuthenticationFailed
  }
  if (codes.has(13)) {
    return 'permission'; // 13 Unauthorized: signed in, but may not create indexes
  }
  if (serverErrorOf(error)) {
    return 'server'; // the server answered, with an error: not a network problem
  }
  if ((codes.has('ENOENT') || codes.has('EACCES')) && syscalls.has('open')) {
    return 'file'; // tlsCAFile or tlsCertificateKeyFile
  }
  if (has((c) => typeof c === 'string' && TLS_CODE.test(c))) {
    return 'tls';
  }
  if (
    has((c) => typeof c === 'string' && DNS_CODES.has(c)) ||
    [...syscalls].some((s) => DNS_SYSCALLS.has(s))
  ) {
    return 'dns';
  }
  if (codes.has('ECONNREFUSED')) {
    return 'refused';
  }
  return 'network';
}

const ATLAS_IP_HINT =
  "if this is MongoDB Atlas, add this machine's public IP address to the project's IP access list (Security → Network Access)";

/** What to check for a server error at start-up, by code; the code name alone otherwise. */
const SERVER_HINTS: Record<number, string> = {
  11000:
    'existing documents hold duplicate values where CodeGenie needs a unique index (a database of another application?)',
  85: 'an index of the same name exists with another definition (a database of another application?)',
  86: 'an index of the same name exists with other keys (a database of another application?)',
  8000: 'Atlas refused it: check the database user’s role (readWrite on this database) and the cluster tier’s limits',
};

/**
 * The start-up message: which hosts, the likely cause and what to check,
 * never the password. `operation` is what was being sent (connect, ping,
 * createIndexes on a collection...).
 */
export function describeConnectFailure(
  error: unknown,
  target: MongoTarget,
  timeoutMs: number,
  cause: ConnectCause = connectCause(error),
  operation = 'connect',
): string {
  const server = serverErrorOf(error);
  const known = server ? SERVER_HINTS[server.code] : undefined;
  const serverHint = known === undefined ? '' : `: ${known}`;
  const where = describeTarget(target);
  const atlas = target.srv || target.hosts.some((h) => /\.mongodb\.net(:\d+)?$/i.test(h));
  const seconds = Math.round(timeoutMs / 100) / 10;
  const hint: Record<ConnectCause, string> = {
    parse: 'DATABASE_URL is not a valid MongoDB connection string',
    file: 'a file named in DATABASE_URL (tlsCAFile or tlsCertificateKeyFile) cannot be read',
    auth: 'authentication failed: check the user name and password in DATABASE_URL (special characters percent-encoded) and authSource',
    permission: `the database user is not allowed to run ${operation}: give it the readWrite role on this database (Atlas: Database Access)`,
    tls: 'the TLS handshake failed: check the tls / tlsCAFile options in DATABASE_URL and the server certificate',
    dns: "the host name could not be resolved (DNS): check the host in DATABASE_URL and this machine's DNS",
    server: `the server answered ${operation} with ${server ? `${server.codeName} (code ${server.code})` : 'an error'}${serverHint}`,
    refused: 'the connection was refused: check that mongod is running and listening on that host and port',
    network: `no server answered within ${seconds} s: check the network and firewall${atlas ? `; ${ATLAS_IP_HINT}` : ''}`,
  };
  const detail = error instanceof Error ? ` [${error.name}: ${redact(error.message, target)}]` : '';
  // Atlas drops connections from addresses not on its list, often mid-handshake.
  const ipHint = atlas && cause === 'tls' ? `; ${ATLAS_IP_HINT}` : '';
  return `Cannot connect to MongoDB at ${where}: ${hint[cause]}${ipHint}.${detail}`;
}
