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
  DATABASE_URL: 'Where data lives: sqlite:<file path>. Default sqlite:DATA_DIR/codegenie.db.',
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
    .regex(/^sqlite:.+/, 'must look like sqlite:<file path>')
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
  database: { kind: 'sqlite'; file: string };
  /** Undefined means "generate one and keep it in DATA_DIR". */
  sessionSecret: string | undefined;
  sessions: { ttlMs: number; idleMs: number };
  loginThrottle: { maxPerAccount: number; maxPerIp: number; windowMs: number };
  mail: { smtpUrl: string | undefined; from: string };
  passwordReset: { ttlMs: number; maxPerEmailPerHour: number; maxPerIpPerHour: number };
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
  const dbFile = e.DATABASE_URL
    ? path.resolve(cwd, e.DATABASE_URL.slice('sqlite:'.length))
    : path.join(dataDir, 'codegenie.db');

  return {
    server: { port: e.PORT, host: e.HOST, trustProxy: e.TRUST_PROXY, corsOrigins },
    appUrl,
    secure: appUrl.startsWith('https://'),
    dataDir,
    database: { kind: 'sqlite', file: dbFile },
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
    logLevel: e.LOG_LEVEL,
  };
}
