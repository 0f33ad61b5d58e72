import { MAX_INPUT_CHARS } from './limits.js';

/**
 * User-facing messages shared by the API and the web app. Several are worded
 * exactly as users of the original CodeGenie system know them.
 */
export const MESSAGES = {
  registered: 'Registration successful. Please log in.',
  usernameTaken: 'Username already exists. Please choose a different one.',
  emailTaken: 'Email already exists. Please choose a different one.',
  invalidCredentials: 'Invalid username or password. Please try again.',
  tooManyAttempts: 'Too many failed sign-in attempts. Please wait and try again.',
  resetRequested: 'If an account exists for that email, a reset link has been sent.',
  invalidResetToken: 'This reset link is invalid or has expired. Please request a new one.',
  passwordReset: 'Your password has been reset. Please log in.',
  notSignedIn: 'You are not signed in.',
  sessionExpired: 'Your session has expired. Please log in again.',
  crossOrigin: 'Cross-origin requests are not allowed.',
  unsupportedMediaType: 'Request bodies must be JSON (Content-Type: application/json).',
  bodyTooLarge: 'The request body is too large (limit 1 MiB).',
  invalidJson: 'The request body is not valid JSON.',
  validation: 'Some fields are missing or invalid.',
  notFound: 'Not found.',
  internal: 'Something went wrong on our side. Please try again.',
  /** After a model's name: why a base model is not offered for Explain. */
  cannotExplain: 'is a code-completion model: it writes code but cannot explain it.',
  /** After a model's name: why a base model takes no follow-up in a thread. */
  cannotFollowUp:
    'is a code-completion model: it cannot continue a conversation. Start a new request or pick a chat model.',
  // Why a remote model is unavailable. Users see these; the URL, host and port stay in the server log.
  modelServerUnreachable: 'The model server cannot be reached.',
  modelServerRefusedKey: 'The model server refused the API key.',
  modelServerFailing: 'The model server answers with errors.',
  /** Followed by the model's name on that server and a full stop. */
  modelNotServed: 'The model server does not serve',
  // The Admin page's models (issue 14 section 1).
  catalogueInvalid:
    'The model catalogue file has problems, so the models in use were kept. Fix the file and reload.',
  /** After a model's name: why there is nothing to pull. */
  notLocalModel: 'is not a local model: there is no file to download.',
  storeUnavailable: 'The data store is unavailable. Please try again shortly.',
  storeBusy: 'The data store is busy. Please try again in a moment.',
  storeTimeout:
    'This took the data store too long, so it was stopped. Narrow a search (a longer phrase, a model or dates) or try again in a moment.',
  /** A search that ran out of time on MongoDB without Atlas Search (the answer's `searchLimited`). */
  searchLimited:
    'This search took too long, so it looked only at your most recent items. Load more to search older ones, or narrow the search.',
  storeFull:
    'The server has run out of disk space, so nothing can be saved right now. Please try again later.',
  storeReadOnly: 'The server cannot save data right now (its storage is read-only). Please try again later.',
  hashingBusy: 'The server is busy checking passwords. Please try again in a moment.',
  // Roles and registration (issue 14 section 1).
  accountPending: 'Your account is waiting for approval.',
  accountDisabled: 'This account has been disabled. Please contact an administrator.',
  registeredPending: 'Registration successful. Your account is waiting for approval by an administrator.',
  registrationClosed: 'Registration is closed.',
  invitationRequired: 'Registration is by invitation only: ask an administrator for an invitation link.',
  invalidInvitation: 'This invitation link is invalid, has expired or has already been used.',
  adminOnly: 'Only administrators can do this.',
  lastAdmin: 'This is the last administrator: make another account an administrator first.',
  // Run code (issue 15): written to stderr when the code reads input() or prompt() and the stdin box is empty.
  runSandboxFailed: 'The code runner could not start. Check your connection, then press Run again.',
  runInputUnavailable:
    'Input is not available: type the lines input() should read into the stdin box and run again.',
  // Run code (issue 15): shown on code blocks Run cannot run, and under a run whose output was cut.
  runLanguages: 'Run is available for Python, JavaScript and TypeScript',
  runOutputTruncated: 'Output truncated: only the first 100 KB is shown.',
  // Test and fix (issue 17): POST /api/generate with `repair`.
  repairLanguage: 'Test and fix works for Python, JavaScript and TypeScript: choose one of them.',
  repairRounds: 'Rounds must be a whole number from 1 to 5.',
  repairUnavailable: 'Test and fix is not available on this server.',
  /** After a model's name: why Test and fix is refused for a base model (each fix round is a follow-up). */
  repairCannotFollowUp:
    'is a code-completion model: Test and fix sends a failing run back to it as a follow-up, which it cannot take. Pick a chat model.',
} as const;

/** What a prompt or code over the size limit is told, naming the field ("prompt", "code"). */
export function tooLongMessage(field: string): string {
  return `The ${field} is too long: at most ${MAX_INPUT_CHARS.toLocaleString('en-US')} characters.`;
}

/** What a name with a control or text-direction character is told, naming the field ("Display name"). */
export function controlCharsMessage(field: string): string {
  return `${field} cannot contain line breaks, control characters or text-direction marks.`;
}

/** What an email outside the allowed domains is told, naming them. */
export function emailDomainMessage(domains: readonly string[]): string {
  return `Registration is limited to email addresses at ${domains.join(', ')}.`;
}
