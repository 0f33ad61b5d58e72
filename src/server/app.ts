import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import './zod-messages.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { registerErrorHandler } from './errors.js';
import { loggerOptions, registerRequestLog } from './logger.js';
import { createMailer } from './mail/index.js';
import { MailService, type MailRetryOptions } from './mail/mail.service.js';
import type { Mailer } from './mail/mailer.port.js';
import { authPlugin } from './plugins/auth.plugin.js';
import { compressPlugin } from './plugins/compress.plugin.js';
import { docsPlugin } from './plugins/docs.plugin.js';
import { lazyChildLoggerFactory } from './plugins/request-logger.js';
import { responseSerializer } from './plugins/response-serializer.js';
import { securityPlugin } from './plugins/security.plugin.js';
import { webPlugin } from './plugins/web.plugin.js';
import { adminRoutes } from './routes/admin.routes.js';
import { adminModelsRoutes } from './routes/admin-models.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { generateRoutes } from './routes/generate.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { historyRoutes } from './routes/history.routes.js';
import { threadsRoutes } from './routes/threads.routes.js';
import { profileRoutes } from './routes/profile.routes.js';
import { preferencesRoutes } from './routes/preferences.routes.js';
import { PreferencesService } from './services/preferences.service.js';
import { modelsRoutes } from './routes/models.routes.js';
import { passwordResetRoutes } from './routes/password-reset.routes.js';
import { ActivityLog } from './services/activity.service.js';
import { AdminService } from './services/admin.service.js';
import { AdminModelsService } from './services/admin-models.service.js';
import { AdminUsageService } from './services/admin-usage.service.js';
import { RegistrationPolicy } from './services/registration-policy.js';
import { AuthService, type AuthEvent } from './services/auth.service.js';
import { LoginThrottle } from './services/login-throttle.js';
import { OWASP_ARGON2ID, PasswordHasher } from './services/password-hasher.js';
import { PasswordResetService, resetMailTokens, type ResetEvent } from './services/password-reset.service.js';
import { startMailOutbox, type MailOutboxJob } from './jobs/mail-outbox.job.js';
import { startInstanceHeartbeat, type InstanceHeartbeatJob } from './jobs/instance-heartbeat.job.js';
import { RunOwnership } from './services/run-ownership.js';
import { GenerationService } from './services/generation.service.js';
import { startTestRunner, TEST_RUN_LIMITS, type TestRunner } from './sandbox/test-runner.js';
import { HistoryService } from './services/history.service.js';
import { ThreadService } from './services/thread.service.js';
import { ProfileService } from './services/profile.service.js';
import { TokenService } from './services/token.service.js';
import { createModelRegistry } from './models/index.js';
import type { ModelRegistry } from './models/model-registry.js';
import type { StatusCheckOptions } from './models/openai-compatible/openai-status.js';
import type { Store } from './store/store.port.js';
import type { TunnelState } from '../shared/api.schemas.js';

/** Everything the app needs from outside; tests pass real parts or fakes. */
export interface AppDeps {
  config: Config;
  store: Store;
  /** The resolved 256-bit session secret. */
  sessionSecret: string;
  clock?: Clock;
  hasher?: PasswordHasher;
  /** Default: from config (SMTP_URL, else the outbox folder). */
  mailer?: Mailer;
  mailRetry?: Partial<MailRetryOptions>;
  /** Default: from config (MODELS_FILE or the shipped catalogue). */
  models?: ModelRegistry;
  /** When remote model servers found unavailable are checked again (default 5 s, doubling to 5 min). */
  modelStatusChecks?: Partial<StatusCheckOptions>;
  /** Where log lines go (default stdout); tests send them to a file. */
  logStream?: { write(line: string): void };
  /** The built web app; undefined serves the API only. */
  webRoot?: string;
  /** The public link opened at start-up (tunnel/public-link.ts), reported by /api/health. */
  publicLink?: { state(): TunnelState } | undefined;
  /** Test and fix's sandbox (default: sandbox/test-runner.ts with TEST_RUN_LIMITS); closed with the app. */
  testRunner?: TestRunner;
}

/** The services behind the routes, reachable from tests and the CLI. */
export interface AppServices {
  auth: AuthService;
  passwordReset: PasswordResetService;
  mail: MailService;
  activity: ActivityLog;
  generation: GenerationService;
  models: ModelRegistry;
  history: HistoryService;
  threads: ThreadService;
  profile: ProfileService;
  /** Registration under the mode in force, settings and invitations. */
  registration: RegistrationPolicy;
  /** What administrators do to accounts and registration; `recordAction` logs any admin action. */
  admin: AdminService;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
  }
}

/** The largest request body accepted (1 MiB). */
export const BODY_LIMIT = 1024 * 1024;

const WARN_EVENTS = new Set<string>([
  'login_failed',
  'login_locked',
  'reset_rate_limited',
  'reset_mail_undeliverable',
]);

/** Builds the Fastify app without listening: `main.ts` and the tests call this. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    logger: { ...loggerOptions(config.logLevel), ...(deps.logStream ? { stream: deps.logStream } : {}) },
    // One line per request at the level registerRequestLog picks, instead of two at info.
    logController: new LogController({ disableRequestLogging: true }),
    // A request's pino child is made when it first logs, not for every request.
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: BODY_LIMIT,
    trustProxy: config.server.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer);
  registerErrorHandler(app);
  registerRequestLog(app);
  // JSON only: no text/plain parser means text, form and multipart bodies get
  // 415, which also closes the "simple request" CSRF path.
  app.removeContentTypeParser('text/plain');

  const models =
    deps.models ??
    (await createModelRegistry(config, app.log, { statusChecks: deps.modelStatusChecks, clock }));
  // Starts nothing until the first Test and fix run (Pyodide loads on the first Python one).
  const testRunner = deps.testRunner ?? startTestRunner(TEST_RUN_LIMITS);
  const services = createServices(app, { ...deps, testRunner }, clock, models);
  // Issue 14: other instances may share the store. Start-up fails the runs of a previous life of this
  // process and of instances gone (stale heartbeat), never a live instance's: no record stays "running".
  const ownership = new RunOwnership({
    instances: store.instances,
    clock,
    log: app.log,
    staleMs: config.instances.staleMs,
    id: services.generation.instanceId,
  });
  await ownership.beat();
  await ownership.sweep();
  app.decorate('services', services);
  app.log.info(`mail: ${services.mail.description}`);
  // Remote servers are checked in the background: start-up never waits for them.
  // Mail left in the outbox by the last run (e.g. a stop during a mail-server outage) is sent at start.
  let outbox: MailOutboxJob | undefined;
  let heartbeat: InstanceHeartbeatJob | undefined;
  app.addHook('onReady', async () => {
    services.models.start();
    outbox = startMailOutbox({ sender: services.mail, clock, log: app.log });
    heartbeat = startInstanceHeartbeat({
      ownership,
      runs: services.generation,
      log: app.log,
      heartbeatMs: config.instances.heartbeatMs,
    });
  });
  // Runs outlive their connections, not the server: stop them and save their records before
  // the server waits for open requests, which include every attached stream.
  app.addHook('preClose', async () => {
    await services.generation.close();
  });
  app.addHook('onClose', async () => {
    await services.passwordReset.settle();
    await outbox?.stop();
    await heartbeat?.stop();
    // After preClose ended this instance's runs: its record goes, and no run names it.
    await ownership.leave().catch((error: unknown) => {
      app.log.warn({ err: error }, 'could not remove this instance from the store');
    });
    await services.mail.close();
    await services.models.close();
    testRunner.close();
  });

  await app.register(securityPlugin, {
    appUrl: config.appUrl,
    secure: config.secure,
    corsOrigins: config.server.corsOrigins,
  });
  await app.register(authPlugin, { auth: services.auth, secure: config.secure });
  await docsPlugin(app);

  // Before the routes: it hooks into each route as it is added.
  await app.register(compressPlugin);
  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      await api.register(healthRoutes, { store, tunnel: deps.publicLink });
      await api.register(authRoutes, {
        prefix: '/auth',
        auth: services.auth,
        registration: services.registration,
      });
      await api.register(adminRoutes, { admin: services.admin });
      await api.register(adminModelsRoutes, {
        adminModels: new AdminModelsService({ models: services.models, log: app.log }),
        adminUsage: new AdminUsageService(store, clock),
        admin: services.admin,
      });
      await api.register(passwordResetRoutes, { prefix: '/auth', resets: services.passwordReset });
      await api.register(modelsRoutes, { models: services.models });
      await api.register(generateRoutes, { generation: services.generation });
      await api.register(historyRoutes, { history: services.history });
      await api.register(threadsRoutes, { threads: services.threads });
      await api.register(profileRoutes, { profile: services.profile });
      await api.register(preferencesRoutes, { preferences: new PreferencesService(store) });
    },
    { prefix: '/api' },
  );

  await webPlugin(app, { webRoot: deps.webRoot, appUrl: config.appUrl });
  return app;
}

function createServices(
  app: FastifyInstance,
  deps: AppDeps,
  clock: Clock,
  models: ModelRegistry,
): AppServices {
  const { config, store } = deps;
  const audit = (event: AuthEvent | ResetEvent) => {
    const level = WARN_EVENTS.has(event.event) ? 'warn' : 'info';
    app.log[level]({ audit: event }, `auth: ${event.event}`);
  };
  const hasher = deps.hasher ?? new PasswordHasher(OWASP_ARGON2ID, config.hashing);
  const activity = new ActivityLog(store, clock);
  // Issue 14: this instance's id in the store: the owner of its runs and of the mail it claims.
  const instanceId = randomUUID();
  const mail = new MailService({
    mailer: deps.mailer ?? createMailer(config),
    log: app.log,
    queue: store.outbox,
    clock,
    secret: deps.sessionSecret,
    tokens: resetMailTokens({ store, clock, audit }),
    retry: deps.mailRetry,
    owner: instanceId,
  });
  // One count of failed password checks: sign-in and the checks behind a session share it.
  const throttle = new LoginThrottle(
    { ...config.loginThrottle, maxPerAccountPerHour: config.accountCeiling.maxFailuresPerHour },
    clock,
    store.counters,
  );
  const auth = new AuthService({
    store,
    clock,
    hasher,
    activity,
    tokens: new TokenService(deps.sessionSecret, clock),
    throttle,
    sessions: config.sessions,
    audit,
  });
  // What the services that change an account and mail its owner share.
  const account = { store, hasher, mail, activity, clock, appUrl: config.appUrl };
  const passwordReset = new PasswordResetService({
    ...account,
    ttlMs: config.passwordReset.ttlMs,
    limits: config.passwordReset,
    audit,
    onBackgroundError: (error) => {
      app.log.error({ err: error }, 'password reset request failed');
    },
  });
  const generation = new GenerationService({
    store,
    models,
    activity,
    clock,
    limits: config.generation,
    log: app.log,
    runs: { detachedGraceMs: config.generation.detachedGraceMs },
    instanceId,
    tests: deps.testRunner,
  });
  const history = new HistoryService(store, clock);
  const threads = new ThreadService(store);
  const profile = new ProfileService({
    ...account,
    throttle,
    sessions: config.sessions,
    audit: (event) => {
      app.log.info({ audit: event }, `account: ${event.event}`);
    },
  });
  const registration = new RegistrationPolicy({
    store,
    clock,
    auth,
    appUrl: config.appUrl,
    initial: {
      registration: config.registration.mode,
      allowedEmailDomains: config.registration.allowedEmailDomains,
    },
    invitationTtlMs: config.registration.invitationTtlMs,
  });
  const admin = new AdminService({
    ...account,
    resetTtlMs: config.passwordReset.ttlMs,
    registration,
    audit: (event) => {
      app.log.info({ audit: event }, `admin: ${event.action}`);
    },
  });
  return {
    auth,
    passwordReset,
    mail,
    activity,
    generation,
    models,
    history,
    threads,
    profile,
    registration,
    admin,
  };
}
