import os from 'node:os';
import path from 'node:path';
import { CONFIG_VARIABLES, type ConfigVariable, envSchema, type LOG_LEVELS } from './config-schema.js';
import type { RegistrationMode } from '../shared/admin.schemas.js';

/**
 * The one place that reads the environment. Every variable is declared once,
 * in `envSchema` (config-schema.ts), with its check, its default and its
 * documentation. Problems are reported all at once.
 */

export { CONFIG_VARIABLES, type ConfigVariable, configTable } from './config-schema.js';

const SECRET_VARIABLES = new Set<ConfigVariable>([
  'SESSION_SECRET',
  'SMTP_URL',
  'DATABASE_URL',
  'NGROK_AUTHTOKEN',
]);

/** Typed, grouped settings. */
export interface Config {
  /** `trustProxy` is 'loopback' with a public link (ngrok connects from this machine) unless TRUST_PROXY. */
  server: { port: number; host: string; trustProxy: boolean | 'loopback'; corsOrigins: string[] };
  /** Public base URL without a trailing slash. */
  appUrl: string;
  /** Worker processes on one port (node:cluster); 1 runs the app in this process. */
  webConcurrency: number;
  /** True when APP_URL is https: Secure cookies, __Host- prefix, HSTS. */
  secure: boolean;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'mongodb'; url: string };
  /** SQLite: how long a write waits for another process's lock before StoreBusyError. */
  storeBusyTimeoutMs: number;
  /** MongoDB: the driver's maxPoolSize (connections per server, per process). */
  mongoMaxPoolSize: number;
  /** MongoDB: how long each index request at start-up may take (ms). */
  mongoIndexTimeoutMs: number;
  /** Undefined means "generate one and keep it in the store, shared by every instance". */
  sessionSecret: string | undefined;
  sessions: { ttlMs: number; idleMs: number };
  loginThrottle: { maxPerAccount: number; maxPerIp: number; windowMs: number };
  /** Failed password checks one account may have per hour from all sources together. */
  accountCeiling: { maxFailuresPerHour: number };
  mail: { smtpUrl: string | undefined; from: string };
  passwordReset: { ttlMs: number; maxPerEmailPerHour: number; maxPerIpPerHour: number };
  /** Initial registration settings (an admin's stored change wins) and the invitation lifetime. */
  registration: { mode: RegistrationMode; allowedEmailDomains: string[]; invitationTtlMs: number };
  models: {
    /** Undefined: the shipped catalogue. */
    file: string | undefined;
    autoDownload: boolean;
    dir: string;
    memoryBudgetBytes: number;
    gpu: 'auto' | 'off';
    parallel: number;
    queueLength: number;
    timeouts: { connectMs: number; firstTokenRemoteMs: number; firstTokenLocalMs: number; idleMs: number };
  };
  generation: {
    perMinute: number;
    runningPerUser: number;
    /** A run with no client attached for this long is stopped. */
    detachedGraceMs: number;
  };
  /** This process's heartbeat in the store, and when another instance counts as gone (issue 14). */
  instances: { heartbeatMs: number; staleMs: number };
  /** Password hashing admitted at once and waiting (services/hash-limiter.ts). */
  hashing: { concurrency: number; queueMax: number };
  logLevel: (typeof LOG_LEVELS)[number];
  /** The public link (NGROK_AUTHTOKEN set), opened at start-up; undefined: none. */
  publicLink: { authtoken: string; domain: string | undefined; timeoutMs: number } | undefined;
}

/** MAIL_FROM's default: no-reply at the host of the app's URL. */
export function defaultMailFrom(appUrl: string): string {
  return `CodeGenie <no-reply@${new URL(appUrl).hostname}>`;
}

/** Thrown by loadConfig with one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates settings from `env` (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  // Empty strings count as unset, as in most .env conventions.
  const raw = Object.fromEntries(
    CONFIG_VARIABLES.map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? 'environment');
        // Values that may hold credentials are never echoed.
        const shown = SECRET_VARIABLES.has(key as ConfigVariable)
          ? '(value hidden)'
          : JSON.stringify(raw[key] ?? '');
        return `${key}=${shown}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;

  const appUrl = (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const dataDir = path.resolve(cwd, e.DATA_DIR);
  const database: Config['database'] =
    e.DATABASE_URL === undefined
      ? { kind: 'sqlite', file: path.join(dataDir, 'codegenie.db') }
      : e.DATABASE_URL.startsWith('sqlite:')
        ? { kind: 'sqlite', file: path.resolve(cwd, e.DATABASE_URL.slice('sqlite:'.length)) }
        : { kind: 'mongodb', url: e.DATABASE_URL };

  return {
    server: { port: e.PORT, host: e.HOST, trustProxy: e.TRUST_PROXY, corsOrigins: e.CORS_ORIGINS },
    appUrl,
    webConcurrency: e.WEB_CONCURRENCY,
    secure: appUrl.startsWith('https://'),
    dataDir,
    database,
    storeBusyTimeoutMs: e.STORE_BUSY_TIMEOUT_MS,
    mongoMaxPoolSize: e.MONGODB_MAX_POOL_SIZE,
    mongoIndexTimeoutMs: e.MONGODB_INDEX_TIMEOUT_MINUTES * 60_000,
    sessionSecret: e.SESSION_SECRET,
    sessions: { ttlMs: e.SESSION_TTL_HOURS * 3_600_000, idleMs: e.SESSION_IDLE_HOURS * 3_600_000 },
    loginThrottle: {
      maxPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      windowMs: e.LOGIN_FAILURE_WINDOW_MINUTES * 60_000,
    },
    accountCeiling: { maxFailuresPerHour: e.LOGIN_MAX_FAILURES_PER_HOUR },
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? defaultMailFrom(appUrl),
    },
    passwordReset: {
      ttlMs: e.RESET_TOKEN_TTL_MINUTES * 60_000,
      maxPerEmailPerHour: e.RESET_MAX_PER_EMAIL_PER_HOUR,
      maxPerIpPerHour: e.RESET_MAX_PER_IP_PER_HOUR,
    },
    registration: {
      mode: e.REGISTRATION,
      allowedEmailDomains: [...new Set(e.ALLOWED_EMAIL_DOMAINS ?? [])],
      invitationTtlMs: e.INVITATION_TTL_DAYS * 86_400_000,
    },
    models: {
      file: e.MODELS_FILE ? path.resolve(cwd, e.MODELS_FILE) : undefined,
      autoDownload: e.MODELS_AUTO_DOWNLOAD,
      dir: e.MODELS_DIR ? path.resolve(cwd, e.MODELS_DIR) : path.join(dataDir, 'models'),
      memoryBudgetBytes: (e.MODELS_MEMORY_BUDGET_MB ?? Math.floor(os.totalmem() / 2 / 1_048_576)) * 1_048_576,
      gpu: e.MODELS_GPU,
      parallel: e.MODELS_PARALLEL,
      queueLength: e.MODELS_QUEUE_LENGTH,
      timeouts: {
        connectMs: e.MODEL_CONNECT_TIMEOUT_SECONDS * 1000,
        firstTokenRemoteMs: e.MODEL_FIRST_TOKEN_TIMEOUT_SECONDS * 1000,
        firstTokenLocalMs: e.LOCAL_FIRST_TOKEN_TIMEOUT_SECONDS * 1000,
        idleMs: e.MODEL_IDLE_TIMEOUT_SECONDS * 1000,
      },
    },
    generation: {
      perMinute: e.GENERATIONS_PER_MINUTE,
      runningPerUser: e.GENERATIONS_RUNNING_PER_USER,
      detachedGraceMs: e.RUN_DETACHED_GRACE_SECONDS * 1000,
    },
    instances: {
      heartbeatMs: e.INSTANCE_HEARTBEAT_SECONDS * 1000,
      // One late heartbeat must not make a live instance look gone.
      staleMs: Math.max(e.INSTANCE_STALE_SECONDS, 2 * e.INSTANCE_HEARTBEAT_SECONDS) * 1000,
    },
    hashing: {
      // One core stays free for the event loop (issue 13: health p99 43 ms while 16 sign-ins hashed).
      concurrency: e.HASH_CONCURRENCY ?? Math.max(1, os.availableParallelism() - 1),
      queueMax: e.HASH_QUEUE_MAX,
    },
    logLevel: e.LOG_LEVEL,
    publicLink:
      e.NGROK_AUTHTOKEN === undefined
        ? undefined
        : { authtoken: e.NGROK_AUTHTOKEN, domain: e.NGROK_DOMAIN, timeoutMs: e.NGROK_TIMEOUT_SECONDS * 1000 },
  };
}
