import Fastify, { type FastifyInstance } from 'fastify';
import './zod-messages.js';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { registerErrorHandler } from './errors.js';
import { loggerOptions } from './logger.js';
import { authPlugin } from './plugins/auth.plugin.js';
import { securityPlugin } from './plugins/security.plugin.js';
import { webPlugin } from './plugins/web.plugin.js';
import { authRoutes } from './routes/auth.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { AuthService, type AuthEvent } from './services/auth.service.js';
import { LoginThrottle } from './services/login-throttle.js';
import { PasswordHasher } from './services/password-hasher.js';
import { TokenService } from './services/token.service.js';
import type { Store } from './store/store.port.js';

/** Everything the app needs from outside; tests pass real parts or fakes. */
export interface AppDeps {
  config: Config;
  store: Store;
  /** The resolved 256-bit session secret. */
  sessionSecret: string;
  clock?: Clock;
  hasher?: PasswordHasher;
  /** Where log lines go (default stdout); tests send them to a file. */
  logStream?: NodeJS.WritableStream;
  /** The built web app; undefined serves the API only. */
  webRoot?: string;
}

/** The largest request body accepted (1 MiB). */
export const BODY_LIMIT = 1024 * 1024;

const AUDIT_LEVEL: Record<AuthEvent['event'], 'info' | 'warn'> = {
  register: 'info',
  login: 'info',
  login_failed: 'warn',
  login_locked: 'warn',
  logout: 'info',
  password_rehashed: 'info',
};

/** Builds the Fastify app without listening: `main.ts` and the tests call this. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    logger: { ...loggerOptions(config.logLevel), ...(deps.logStream ? { stream: deps.logStream } : {}) },
    bodyLimit: BODY_LIMIT,
    trustProxy: config.server.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  // JSON only: no text/plain parser means text, form and multipart bodies get
  // 415, which also closes the "simple request" CSRF path.
  app.removeContentTypeParser('text/plain');

  await app.register(securityPlugin, {
    appUrl: config.appUrl,
    secure: config.secure,
    corsOrigins: config.server.corsOrigins,
  });

  const authService = new AuthService({
    store,
    clock,
    hasher: deps.hasher ?? new PasswordHasher(),
    tokens: new TokenService(deps.sessionSecret, clock),
    throttle: new LoginThrottle(config.loginThrottle, clock),
    sessions: config.sessions,
    audit: (event) => {
      app.log[AUDIT_LEVEL[event.event]]({ audit: event }, `auth: ${event.event}`);
    },
  });
  await app.register(authPlugin, { auth: authService, secure: config.secure });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CodeGenie API',
        description: 'Code generation and explanation with code models.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'codegenie_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Swagger UI needs its own hashed inline scripts and sets inline styles
    // (on this static page only; no user content). The rest stays strict, and
    // upgrade-insecure-requests is dropped: it breaks plain-http installs.
    transformStaticCSP: (header) =>
      header
        .replace(/upgrade-insecure-requests;?/, '')
        .replace(/style-src [^;]*/, "style-src 'self' 'unsafe-inline'")
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace("base-uri 'self'", "base-uri 'none'"),
  });

  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      await api.register(healthRoutes, { store });
      await api.register(authRoutes, { prefix: '/auth', auth: authService });
    },
    { prefix: '/api' },
  );

  await webPlugin(app, { webRoot: deps.webRoot });
  return app;
}
