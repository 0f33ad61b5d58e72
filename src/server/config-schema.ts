import { z } from 'zod';
import { emailDomainSchema, registrationModeSchema } from '../shared/admin.schemas.js';

/**
 * Every environment variable the app reads, declared once with its check, its
 * default and its documentation. `config.ts` turns the parsed values into the
 * typed `Config`; `configTable()` renders the README's configuration table
 * (`npm run docs:config`), and a test fails when the two differ.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    error: 'must be true or false',
  })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const positiveInt = (max: number) => wholeNumber(1, max);

const nonEmpty = z.string().min(1, 'must not be empty');

const urlString = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** A comma-separated list (blanks around and empty entries dropped); each bad entry is its own problem, reported with the others. */
const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0),
    )
    .pipe(z.array(item));

/** A comma-separated list of origins. */
const originList = commaList(
  z.string().regex(/^https?:\/\/[^/\s]+$/, {
    error: (issue) => `"${String(issue.input)}" must be an origin such as https://example.com (no path)`,
  }),
);

/**
 * The documentation of one variable, kept in zod's metadata. `defaultText`
 * says how to show a default that the schema cannot hold (one derived from
 * another variable) or that needs a word of explanation; otherwise the
 * README shows the schema's own `.default()`.
 */
function doc(description: string, defaultText?: string): { description: string; defaultText?: string } {
  return defaultText === undefined ? { description } : { description, defaultText };
}

const code = (value: string): string => `\`${value}\``;

/** Every variable, in the order the README lists them. */
export const envSchema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000)
    .meta(doc('TCP port the server listens on.')),
  HOST: nonEmpty
    .default('127.0.0.1')
    .meta(doc('Interface to bind; `0.0.0.0` for all.', '`127.0.0.1` (this machine only)')),
  WEB_CONCURRENCY: positiveInt(64)
    .default(1)
    .meta(
      doc(
        'Worker processes serving the app on one port (node:cluster): one Node process runs JavaScript on one core. Each worker is an instance on the shared store; one that dies is restarted.',
      ),
    ),
  APP_URL: urlString
    .optional()
    .meta(
      doc(
        'Public base URL people use to reach the app (links in emails, Origin checks, cookie security). With `https://`, cookies are `Secure` with the `__Host-` prefix and HSTS is sent.',
        '`http://localhost:PORT`',
      ),
    ),
  DATA_DIR: nonEmpty
    .default('./data')
    .meta(doc('Folder for the embedded database, downloaded models and other data.')),
  DATABASE_URL: z
    .string()
    .regex(
      /^(sqlite:.+|mongodb(\+srv)?:\/\/.+)/,
      'must look like sqlite:<file path>, mongodb://… or mongodb+srv://…',
    )
    .optional()
    .meta(
      doc(
        'Where data lives: `sqlite:<file path>`, or a MongoDB connection string, `mongodb://…` or `mongodb+srv://…` (Atlas), whose path names the database (`codegenie` when it has none).',
        '`sqlite:DATA_DIR/codegenie.db`',
      ),
    ),
  STORE_BUSY_TIMEOUT_MS: positiveInt(600_000)
    .default(3000)
    .meta(
      doc(
        'SQLite: how long a write waits, between other requests, for another process holding the database lock before it answers 503 `store_busy` with `Retry-After`.',
      ),
    ),
  MONGODB_MAX_POOL_SIZE: positiveInt(1000)
    .default(20)
    .meta(
      doc(
        'MongoDB: connections each process may open to each server (the driver\'s `maxPoolSize`, over one in the URI); sized against Atlas tier limits in "MongoDB".',
      ),
    ),
  MONGODB_INDEX_TIMEOUT_MINUTES: positiveInt(24 * 60)
    .default(10)
    .meta(
      doc(
        'MongoDB: minutes each index request at start-up (`createIndexes`, the Atlas Search index) may take before start-up stops, naming the index (README: "MongoDB").',
      ),
    ),
  SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .meta(
      doc(
        'Secret that signs session tokens (at least 32 characters).',
        'a random 256-bit secret generated by the first instance to start and kept in the store, where every instance on that store reads it',
      ),
    ),
  SESSION_TTL_HOURS: positiveInt(24 * 365)
    .default(168)
    .meta(doc('Absolute session lifetime in hours.', '168 (7 days)')),
  SESSION_IDLE_HOURS: positiveInt(24 * 365)
    .default(24)
    .meta(doc('A session unused for this many hours expires.')),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(1_000_000)
    .default(5)
    .meta(
      doc(
        'Failed password checks for one account from one IP within the window before that IP is locked out of it for the window (429; each further lock-out doubles, up to a day); other IPs still sign in.',
      ),
    ),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt(1_000_000)
    .default(20)
    .meta(doc('Failed sign-ins from one IP address within the window before 429.')),
  LOGIN_FAILURE_WINDOW_MINUTES: positiveInt(24 * 60)
    .default(15)
    .meta(doc('The window for the two limits above, in minutes.')),
  LOGIN_MAX_FAILURES_PER_HOUR: positiveInt(1_000_000)
    .default(100)
    .meta(
      doc(
        'Failed password checks for one account from all IPs within an hour before every IP waits (NIST SP 800-63B ceiling).',
      ),
    ),
  CORS_ORIGINS: originList
    .default([])
    .meta(
      doc('Comma-separated list of extra origins allowed to call the API from a browser.', 'none (no CORS)'),
    ),
  TRUST_PROXY: booleanFlag
    .default(false)
    .meta(doc('Set to `true` behind a reverse proxy so client IPs come from `X-Forwarded-For`.')),
  NGROK_AUTHTOKEN: nonEmpty
    .optional()
    .meta(
      doc(
        'An ngrok authtoken: start-up opens a public https link to the app with ngrok and uses it as `APP_URL` (see "Public link (ngrok)"). Never logged.',
        'none (no public link)',
      ),
    ),
  NGROK_DOMAIN: z
    .string()
    .regex(
      /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i,
      'must be a domain name such as codegenie.ngrok.app',
    )
    .optional()
    .meta(doc('The ngrok domain to use (a static or reserved domain of your account).', 'one ngrok assigns')),
  NGROK_TIMEOUT_SECONDS: positiveInt(300)
    .default(15)
    .meta(
      doc(
        'How long start-up waits for ngrok to open the link; then it says why and serves on the local address only.',
      ),
    ),
  HASH_CONCURRENCY: positiveInt(256)
    .optional()
    .meta(
      doc(
        'Password hashes (sign-ins, registrations, password changes) computed at once.',
        'cores − 1, at least 1',
      ),
    ),
  HASH_QUEUE_MAX: positiveInt(100_000)
    .default(32)
    .meta(doc('Password hashes that may wait for a turn; beyond it: 503 `busy` with `Retry-After`.')),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info')
    .meta(doc(`One of ${LOG_LEVELS.map(code).join(', ')}.`)),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })
    .optional()
    .meta(
      doc(
        'Mail server for reset links and notices: `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465` (TLS). Unset: every mail is written as an `.eml` file to `DATA_DIR/outbox/` and its path is logged.',
      ),
    ),
  MAIL_FROM: z
    .string()
    .min(3, 'must be an address such as CodeGenie <no-reply@example.com>')
    .optional()
    .meta(doc('Sender of every mail.', '`CodeGenie <no-reply@HOST>` with the host of `APP_URL`')),
  RESET_TOKEN_TTL_MINUTES: positiveInt(24 * 60)
    .default(60)
    .meta(doc('How long a password-reset link works, in minutes.')),
  RESET_MAX_PER_EMAIL_PER_HOUR: positiveInt(1_000_000)
    .default(3)
    .meta(
      doc(
        'Reset requests per email address and requesting IP per hour (each IP has its own count, so nobody can use up the owner’s); more are answered 202 but nothing is sent.',
      ),
    ),
  RESET_MAX_PER_IP_PER_HOUR: positiveInt(1_000_000)
    .default(10)
    .meta(doc('Reset requests per IP address per hour; more are answered 202 but nothing is sent.')),
  REGISTRATION: registrationModeSchema
    .default('open')
    .meta(
      doc(
        'Who may register: `open` (anyone), `approval` (accounts wait for an admin), `invite` (only with an invitation link) or `closed`. The initial value: once an admin changes it on the Admin page, the stored setting wins.',
      ),
    ),
  ALLOWED_EMAIL_DOMAINS: commaList(emailDomainSchema)
    .optional()
    .meta(
      doc(
        'Comma-separated email domains registration accepts (`example.com,example.org`). The initial value, changeable by an admin like `REGISTRATION`.',
        'none (any domain)',
      ),
    ),
  INVITATION_TTL_DAYS: positiveInt(365)
    .default(7)
    .meta(doc('How long an invitation link works, in days, unless the admin chooses otherwise.')),
  MODELS_FILE: nonEmpty
    .optional()
    .meta(doc('Model catalogue (JSON or YAML) to use instead of the shipped one.', '`config/models.yaml`')),
  MODELS_AUTO_DOWNLOAD: booleanFlag
    .default(true)
    .meta(
      doc(
        'Download a missing local model file on first use; with `false`, run `npm run models -- pull <id>` first.',
      ),
    ),
  MODELS_DIR: nonEmpty.optional().meta(doc('Where downloaded GGUF files are kept.', '`DATA_DIR/models`')),
  MODELS_MEMORY_BUDGET_MB: positiveInt(16 * 1024 * 1024)
    .optional()
    .meta(
      doc(
        'Memory the loaded local models may use together; beyond it the least recently used one is unloaded.',
        "half of the machine's memory",
      ),
    ),
  MODELS_GPU: z
    .enum(['auto', 'off'], { error: 'must be auto or off' })
    .default('auto')
    .meta(doc('`auto` (use a GPU when llama.cpp finds one) or `off`.')),
  MODELS_PARALLEL: positiveInt(64)
    .default(1)
    .meta(doc('Local generations decoded at the same time.', '1 (best on a CPU)')),
  MODELS_QUEUE_LENGTH: wholeNumber(0, 10_000)
    .default(16)
    .meta(
      doc(
        'Local generations that may wait for a free slot; beyond it requests get 503 `busy` with `Retry-After`.',
      ),
    ),
  // Node's fetch gives up on its own after 300 s: larger values would not take effect.
  MODEL_CONNECT_TIMEOUT_SECONDS: positiveInt(300)
    .default(10)
    .meta(doc('Connecting to a remote model server.')),
  MODEL_FIRST_TOKEN_TIMEOUT_SECONDS: positiveInt(300)
    .default(60)
    .meta(doc('Wait for the first token from a remote model.')),
  LOCAL_FIRST_TOKEN_TIMEOUT_SECONDS: positiveInt(3600)
    .default(180)
    .meta(doc('Wait for the first token from a local model, loading included.')),
  MODEL_IDLE_TIMEOUT_SECONDS: positiveInt(300).default(30).meta(doc('Silence allowed between two tokens.')),
  GENERATIONS_PER_MINUTE: positiveInt(100_000)
    .default(30)
    .meta(doc('Generate and explain requests per user per minute; more get 429 with `Retry-After`.')),
  GENERATIONS_RUNNING_PER_USER: positiveInt(1000)
    .default(2)
    .meta(doc('Generations one user may run at the same time.')),
  RUN_DETACHED_GRACE_SECONDS: positiveInt(86_400)
    .default(60)
    .meta(
      doc(
        'A run whose page was closed goes on for this long with nobody attached (a refresh reattaches), then is stopped.',
      ),
    ),
  INSTANCE_HEARTBEAT_SECONDS: positiveInt(3600)
    .default(5)
    .meta(
      doc(
        'How often each server process writes its heartbeat to the store and marks failed the generations of instances found gone (see "Runs across instances").',
      ),
    ),
  INSTANCE_STALE_SECONDS: positiveInt(86_400)
    .default(30)
    .meta(
      doc(
        'An instance whose last heartbeat is older than this counts as gone, and its running generations are marked failed. At least twice `INSTANCE_HEARTBEAT_SECONDS` (a smaller value is raised to that).',
      ),
    ),
});

/** The name of an environment variable the app reads. */
export type ConfigVariable = keyof typeof envSchema.shape;

/** Every variable, in the order the README lists them. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as ConfigVariable[];

/** Shows a schema default the way the README writes it: numbers bare, anything else as code. */
function formatDefault(value: unknown): string {
  if (typeof value === 'number') {
    return String(value);
  }
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

/** The README line of one variable: its description, then its default when it has one. */
function describeVariable(key: ConfigVariable): string {
  const field = envSchema.shape[key];
  const meta = field.meta();
  if (typeof meta?.description !== 'string') {
    throw new Error(`${key} has no description: add .meta(doc(...)) to its schema field`);
  }
  const shown =
    typeof meta.defaultText === 'string'
      ? meta.defaultText
      : field instanceof z.ZodDefault
        ? formatDefault(field.def.defaultValue)
        : undefined;
  return shown === undefined ? meta.description : `${meta.description} Default: ${shown}.`;
}

/**
 * The README's configuration table, rendered from the schema and laid out as
 * Prettier lays out Markdown tables (so `prettier --check` accepts it as is).
 */
export function configTable(): string {
  const rows: [string, string][] = [
    ['Variable', 'Meaning'],
    ...CONFIG_VARIABLES.map((key): [string, string] => [code(key), describeVariable(key)]),
  ];
  const keyWidth = Math.max(...rows.map(([key]) => key.length));
  const meaningWidth = Math.max(...rows.map(([, meaning]) => meaning.length));
  const line = ([key, meaning]: [string, string]): string =>
    `| ${key.padEnd(keyWidth)} | ${meaning.padEnd(meaningWidth)} |`;
  const [header, ...body] = rows.map(line);
  return [header, line(['-'.repeat(keyWidth), '-'.repeat(meaningWidth)]), ...body].join('\n');
}
