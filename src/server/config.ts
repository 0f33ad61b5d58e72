import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads the environment. Every variable is declared here
 * with its default and a doc line (the README table is checked against
 * CONFIG_DOCS by a test). Problems are reported all at once.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    error: 'must be true or false',
  })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`);

const urlString = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** Documentation of each variable, in the order the README lists them. */
export const CONFIG_DOCS = {
  PORT: 'TCP port the server listens on. Default 3000.',
  HOST: 'Interface to bind. Default 127.0.0.1 (this machine only); 0.0.0.0 for all.',
  APP_URL:
    'Public base URL people use to reach the app (links in emails, Origin checks, cookie security). Default http://localhost:PORT.',
  DATA_DIR: 'Folder for the embedded database, the session secret and other data. Default ./data.',
  DATABASE_URL:
    'Where data lives: sqlite:<file path> (default sqlite:DATA_DIR/codegenie.db), or a MongoDB connection string, mongodb://… or mongodb+srv://… (Atlas), whose path names the database (default codegenie).',
  SESSION_SECRET:
    'Secret that signs session tokens (at least 32 characters). Default: a random 256-bit secret generated on first start and kept in DATA_DIR/session-secret (mode 0600).',
  SESSION_TTL_HOURS: 'Absolute session lifetime in hours. Default 168 (7 days).',
  SESSION_IDLE_HOURS: 'A session unused for this many hours expires. Default 24.',
  LOGIN_MAX_FAILURES_PER_ACCOUNT:
    'Failed sign-ins for one account within the window before sign-in is refused with 429. Default 5.',
  LOGIN_MAX_FAILURES_PER_IP: 'Failed sign-ins from one IP address within the window before 429. Default 20.',
  LOGIN_FAILURE_WINDOW_MINUTES: 'The window for the two limits above, in minutes. Default 15.',
  CORS_ORIGINS:
    'Comma-separated list of extra origins allowed to call the API from a browser. Default: none (no CORS).',
  TRUST_PROXY: 'Set to true behind a reverse proxy so client IPs come from X-Forwarded-For. Default false.',
  LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent. Default info.',
  SMTP_URL:
    'Mail server, e.g. smtp://user:pass@smtp.example.com:587 (STARTTLS) or smtps://user:pass@host:465 (TLS). Unset: mail is written as .eml files to DATA_DIR/outbox.',
  MAIL_FROM: 'Sender of every mail. Default "CodeGenie <no-reply@HOST>" with the host of APP_URL.',
  RESET_TOKEN_TTL_MINUTES: 'How long a password-reset link works, in minutes. Default 60.',
  RESET_MAX_PER_EMAIL_PER_HOUR:
    'Reset requests per email address per hour; more are answered but not sent. Default 3.',
  RESET_MAX_PER_IP_PER_HOUR:
    'Reset requests per IP address per hour; more are answered but not sent. Default 10.',
  MODELS_FILE: 'Model catalogue (JSON or YAML) replacing the shipped config/models.yaml.',
  MODELS_AUTO_DOWNLOAD:
    'Download a missing local model file on first use. Default true; with false, run npm run models -- pull <id> first.',
  MODELS_DIR: 'Where downloaded GGUF files are kept. Default DATA_DIR/models.',
  MODELS_MEMORY_BUDGET_MB:
    "Memory the loaded local models may use together; the least recently used is unloaded beyond it. Default: half of this machine's memory.",
  MODELS_GPU: 'auto (use a GPU when llama.cpp finds one) or off. Default auto.',
  MODELS_PARALLEL: 'Local generations decoded at the same time. Default 1 (best on a CPU).',
  MODELS_QUEUE_LENGTH:
    'Local generations that may wait for a free slot; beyond it requests get 503 busy. Default 16.',
  MODEL_CONNECT_TIMEOUT_SECONDS: 'Connecting to a remote model server. Default 10.',
  MODEL_FIRST_TOKEN_TIMEOUT_SECONDS: 'Wait for the first token from a remote model. Default 60.',
  LOCAL_FIRST_TOKEN_TIMEOUT_SECONDS:
    'Wait for the first token from a local model (includes loading it). Default 180.',
  MODEL_IDLE_TIMEOUT_SECONDS: 'Silence allowed between two tokens. Default 30.',
  GENERATIONS_PER_MINUTE: 'Generate and explain requests per user per minute. Default 30.',
  GENERATIONS_RUNNING_PER_USER: 'Generations one user may run at the same time. Default 2.',
} as const;

export type ConfigVariable = keyof typeof CONFIG_DOCS;

const SECRET_VARIABLES = new Set<string>(['SESSION_SECRET', 'SMTP_URL', 'DATABASE_URL']);

const envSchema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  APP_URL: urlString.optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  DATABASE_URL: z
    .string()
    .regex(
      /^(sqlite:.+|mongodb(\+srv)?:\/\/.+)/,
      'must look like sqlite:<file path>, mongodb://… or mongodb+srv://…',
    )
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_HOURS: positiveInt(24 * 365).default(168),
  SESSION_IDLE_HOURS: positiveInt(24 * 365).default(24),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(1_000_000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt(1_000_000).default(20),
  LOGIN_FAILURE_WINDOW_MINUTES: positiveInt(24 * 60).default(15),
  CORS_ORIGINS: z.string().default(''),
  TRUST_PROXY: booleanFlag.default(false),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z.string().min(3, 'must be an address such as CodeGenie <no-reply@example.com>').optional(),
  RESET_TOKEN_TTL_MINUTES: positiveInt(24 * 60).default(60),
  RESET_MAX_PER_EMAIL_PER_HOUR: positiveInt(1_000_000).default(3),
  RESET_MAX_PER_IP_PER_HOUR: positiveInt(1_000_000).default(10),
  MODELS_FILE: z.string().min(1).optional(),
  MODELS_AUTO_DOWNLOAD: booleanFlag.default(true),
  MODELS_DIR: z.string().min(1).optional(),
  MODELS_MEMORY_BUDGET_MB: positiveInt(16 * 1024 * 1024).optional(),
  MODELS_GPU: z.enum(['auto', 'off'], { error: 'must be auto or off' }).default('auto'),
  MODELS_PARALLEL: positiveInt(64).default(1),
  MODELS_QUEUE_LENGTH: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(0)
    .max(10_000)
    .default(16),
  // Node's fetch gives up on its own after 300 s: larger values would not take effect.
  MODEL_CONNECT_TIMEOUT_SECONDS: positiveInt(300).default(10),
  MODEL_FIRST_TOKEN_TIMEOUT_SECONDS: positiveInt(300).default(60),
  LOCAL_FIRST_TOKEN_TIMEOUT_SECONDS: positiveInt(3600).default(180),
  MODEL_IDLE_TIMEOUT_SECONDS: positiveInt(300).default(30),
  GENERATIONS_PER_MINUTE: positiveInt(100_000).default(30),
  GENERATIONS_RUNNING_PER_USER: positiveInt(1000).default(2),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

/** Typed, grouped settings. */
export interface Config {
  server: { port: number; host: string; trustProxy: boolean; corsOrigins: string[] };
  /** Public base URL without a trailing slash. */
  appUrl: string;
  /** True when APP_URL is https: Secure cookies, __Host- prefix, HSTS. */
  secure: boolean;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'mongodb'; url: string };
  /** Undefined means "generate one and keep it in DATA_DIR". */
  sessionSecret: string | undefined;
  sessions: { ttlMs: number; idleMs: number };
  loginThrottle: { maxPerAccount: number; maxPerIp: number; windowMs: number };
  mail: { smtpUrl: string | undefined; from: string };
  passwordReset: { ttlMs: number; maxPerEmailPerHour: number; maxPerIpPerHour: number };
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
  generation: { perMinute: number; runningPerUser: number };
  logLevel: (typeof LOG_LEVELS)[number];
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
    Object.keys(CONFIG_DOCS).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? 'environment');
        // Values that may hold credentials are never echoed.
        const shown = SECRET_VARIABLES.has(key) ? '(value hidden)' : JSON.stringify(raw[key] ?? '');
        return `${key}=${shown}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];

  const appUrl = (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const corsOrigins = e.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(`CORS_ORIGINS: "${origin}" must be an origin such as https://example.com (no path)`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }

  const dataDir = path.resolve(cwd, e.DATA_DIR);
  const database: Config['database'] =
    e.DATABASE_URL === undefined
      ? { kind: 'sqlite', file: path.join(dataDir, 'codegenie.db') }
      : e.DATABASE_URL.startsWith('sqlite:')
        ? { kind: 'sqlite', file: path.resolve(cwd, e.DATABASE_URL.slice('sqlite:'.length)) }
        : { kind: 'mongodb', url: e.DATABASE_URL };

  return {
    server: { port: e.PORT, host: e.HOST, trustProxy: e.TRUST_PROXY, corsOrigins },
    appUrl,
    secure: appUrl.startsWith('https://'),
    dataDir,
    database,
    sessionSecret: e.SESSION_SECRET,
    sessions: { ttlMs: e.SESSION_TTL_HOURS * 3_600_000, idleMs: e.SESSION_IDLE_HOURS * 3_600_000 },
    loginThrottle: {
      maxPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      windowMs: e.LOGIN_FAILURE_WINDOW_MINUTES * 60_000,
    },
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? `CodeGenie <no-reply@${new URL(appUrl).hostname}>`,
    },
    passwordReset: {
      ttlMs: e.RESET_TOKEN_TTL_MINUTES * 60_000,
      maxPerEmailPerHour: e.RESET_MAX_PER_EMAIL_PER_HOUR,
      maxPerIpPerHour: e.RESET_MAX_PER_IP_PER_HOUR,
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
    generation: { perMinute: e.GENERATIONS_PER_MINUTE, runningPerUser: e.GENERATIONS_RUNNING_PER_USER },
    logLevel: e.LOG_LEVEL,
  };
}
