import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { MESSAGES } from '../shared/messages.js';

/**
 * Typed errors with stable codes. Services throw these and know nothing of
 * HTTP; the one error handler below turns them into
 * `{"error": {code, message, details}}` with the status from STATUS_BY_CODE.
 */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  /** When to try again; sent as the Retry-After header and in a stream's error event. */
  declare readonly retryAfterSeconds?: number;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Field-level problems: `{fields: {name: message}}`. */
export interface FieldErrors {
  fields: Record<string, string>;
}

export class InvalidInputError extends AppError {
  readonly code = 'invalid_input';
  constructor(message: string = MESSAGES.validation, details?: FieldErrors) {
    super(message, details);
  }
}

export class InvalidCredentialsError extends AppError {
  readonly code = 'invalid_credentials';
  constructor() {
    super(MESSAGES.invalidCredentials);
  }
}

export class UnauthenticatedError extends AppError {
  readonly code = 'unauthenticated';
  constructor(message: string = MESSAGES.notSignedIn) {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
}

export class NotFoundError extends AppError {
  readonly code = 'not_found';
  constructor(message: string = MESSAGES.notFound) {
    super(message);
  }
}

/** A unique value is taken; details.fields names the field. */
export class ConflictError extends AppError {
  readonly code = 'conflict';
  declare readonly details: FieldErrors | undefined;
}

export class RateLimitedError extends AppError {
  readonly code = 'rate_limited';
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(message, { retryAfterSeconds });
  }
}

/** Too many password checks are already waiting (HASH_QUEUE_MAX): 503 with Retry-After. */
export class HashingBusyError extends AppError {
  readonly code = 'busy';
  constructor(override readonly retryAfterSeconds: number) {
    super(MESSAGES.hashingBusy, { retryAfterSeconds });
  }
}

export class StoreUnavailableError extends AppError {
  readonly code = 'store_unavailable';
  constructor(message: string = MESSAGES.storeUnavailable) {
    super(message);
  }
}

/** The database is locked by another writer for longer than STORE_BUSY_TIMEOUT_MS; try again shortly. */
export class StoreBusyError extends AppError {
  readonly code = 'store_busy';
  override readonly retryAfterSeconds = 1;
  constructor() {
    super(MESSAGES.storeBusy);
  }
}

/** A read ran past its time limit (MongoDB maxTimeMS) and the server stopped it: a search over too much, or a slow server. */
export class StoreTimeoutError extends AppError {
  readonly code = 'store_timeout';
  constructor() {
    super(MESSAGES.storeTimeout);
  }
}

/** The disk holding the data is full: nothing can be saved until space is freed. */
export class StoreFullError extends AppError {
  readonly code = 'store_full';
  constructor() {
    super(MESSAGES.storeFull);
  }
}

/** The data cannot be written: a read-only or failing disk, or a file the server may not write. */
export class StoreReadOnlyError extends AppError {
  readonly code = 'store_read_only';
  constructor() {
    super(MESSAGES.storeReadOnly);
  }
}

/** A catalogue reload found the file invalid: `details` has the file and its problems; the old catalogue stays. */
export class InvalidCatalogueError extends AppError {
  readonly code = 'invalid_catalogue';
  constructor(file: string, problems: string[]) {
    super(MESSAGES.catalogueInvalid, { file, problems });
  }
}

/** A password-reset token that is unknown, expired or already used. */
export class InvalidTokenError extends AppError {
  readonly code = 'invalid_token';
  constructor() {
    super(MESSAGES.invalidResetToken);
  }
}

/** The account waits for an admin's approval (registration mode `approval`): it cannot sign in yet. */
export class AccountPendingError extends AppError {
  readonly code = 'account_pending';
  constructor() {
    super(MESSAGES.accountPending);
  }
}

/** An admin disabled the account: it cannot sign in. */
export class AccountDisabledError extends AppError {
  readonly code = 'account_disabled';
  constructor() {
    super(MESSAGES.accountDisabled);
  }
}

/** Registration mode `closed`. */
export class RegistrationClosedError extends AppError {
  readonly code = 'registration_closed';
  constructor() {
    super(MESSAGES.registrationClosed);
  }
}

/** Registration mode `invite` and the request carries no invitation. */
export class InvitationRequiredError extends AppError {
  readonly code = 'invitation_required';
  constructor() {
    super(MESSAGES.invitationRequired);
  }
}

/** An invitation token that is unknown, expired or already used. */
export class InvalidInvitationError extends AppError {
  readonly code = 'invalid_invitation';
  constructor() {
    super(MESSAGES.invalidInvitation, { fields: { invitation: MESSAGES.invalidInvitation } });
  }
}

/** The email's domain is not in the allowed list (ALLOWED_EMAIL_DOMAINS or the admin's setting). */
export class EmailDomainNotAllowedError extends AppError {
  readonly code = 'email_domain_not_allowed';
  constructor(message: string) {
    super(message, { fields: { email: message } });
  }
}

/** The change would leave no active administrator. */
export class LastAdminError extends AppError {
  readonly code = 'last_admin';
  constructor() {
    super(MESSAGES.lastAdmin);
  }
}

const STATUS_BY_CODE = {
  invalid_input: 400,
  invalid_token: 400,
  invalid_catalogue: 400,
  invalid_credentials: 401,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  payload_too_large: 413,
  store_unavailable: 503,
  store_busy: 503,
  store_timeout: 503,
  // 507 Insufficient Storage (RFC 4918): the request may be fine, the disk is not.
  store_full: 507,
  store_read_only: 503,
  // The model layer (models/model-errors.ts).
  model_not_found: 404,
  model_cannot_explain: 400,
  model_cannot_follow_up: 400,
  prompt_too_long: 413,
  busy: 503,
  model_unavailable: 503,
  provider_auth: 502,
  provider_error: 502,
  provider_timeout: 504,
  provider_rate_limited: 429,
  cancelled: 409,
  // Accounts and registration (services/admin.service.ts, services/registration-policy.ts).
  account_pending: 403,
  account_disabled: 403,
  registration_closed: 403,
  invitation_required: 403,
  invalid_invitation: 400,
  email_domain_not_allowed: 403,
  last_admin: 409,
} as const;

/** A request value over its size limit (e.g. a prompt over 32,000 characters). */
export class PayloadTooLargeError extends AppError {
  readonly code = 'payload_too_large';
}

export type ErrorCode = keyof typeof STATUS_BY_CODE;

/** Fastify's own errors that reach the handler, mapped to our codes. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: MESSAGES.unsupportedMediaType,
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: MESSAGES.bodyTooLarge },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_input', message: MESSAGES.invalidJson },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_input', message: MESSAGES.invalidJson },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_input', message: MESSAGES.invalidJson },
};

/** Turns a zod issue path into the field name the web form uses. */
function fieldName(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '_' : path.map(String).join('.');
}

/** Registers the one error handler and the JSON 404 for unknown API routes. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.retryAfterSeconds !== undefined) {
        void reply.header('retry-after', String(error.retryAfterSeconds));
      }
      return reply
        .status(STATUS_BY_CODE[error.code])
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }

    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields: Record<string, string> = {};
      for (const v of error.validation) {
        const path = v.instancePath.split('/').filter((s) => s.length > 0);
        // Unknown keys are reported on the object: name them individually.
        const keys =
          v.keyword === 'unrecognized_keys' && Array.isArray(v.params.keys) ? v.params.keys.map(String) : [];
        if (keys.length > 0) {
          for (const key of keys) {
            fields[fieldName([...path, key])] = 'This field is not allowed.';
          }
        } else {
          fields[fieldName(path)] ??= v.message ?? 'Invalid value.';
        }
      }
      return reply.status(400).send({
        error: { code: 'invalid_input', message: MESSAGES.validation, details: { fields } },
      });
    }

    const known = typeof error.code === 'string' ? FASTIFY_ERRORS[error.code] : undefined;
    if (known) {
      return reply.status(known.status).send({ error: { code: known.code, message: known.message } });
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({
        error: { code: 'bad_request', message: error.message },
      });
    }

    // The request id is logged with the error and shown to the user, so a report can be found in the log.
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: { code: 'internal', message: MESSAGES.internal, requestId: request.id } });
  });
}
