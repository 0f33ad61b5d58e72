import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where versions before issue 14 kept the generated secret; read once to carry it into the store. */
const LEGACY_FILE = 'session-secret';
/** The name the generated secret is kept under in the store. */
export const SESSION_SECRET_NAME = 'session-secret';

/**
 * Keeps a generated secret where every instance reads it: stores
 * `candidate` unless a value is stored already (insert-if-absent, one atomic
 * step), and returns the stored value.
 */
export type KeepSecret = (candidate: string) => Promise<string>;

/**
 * Returns SESSION_SECRET when set (nothing is stored). Otherwise the secret
 * is kept in the store, so that every instance of the app on that store
 * signs and checks sessions with the same one (issue 14: a token from one
 * instance failed on another when each host generated its own): the first
 * instance to start stores a random 256-bit secret and the others read it.
 * A secret an earlier version left in DATA_DIR/session-secret is the one
 * stored, so an upgrade signs nobody out.
 */
export async function resolveSessionSecret(
  configured: string | undefined,
  dataDir: string,
  keep: KeepSecret,
): Promise<string> {
  if (configured !== undefined) {
    return configured;
  }
  return keep(readLegacySecret(dataDir) ?? randomBytes(32).toString('base64url'));
}

/** The secret in DATA_DIR/session-secret, or undefined when there is no such file. */
function readLegacySecret(dataDir: string): string | undefined {
  const file = path.join(dataDir, LEGACY_FILE);
  let existing: string;
  try {
    existing = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  if (existing.length >= 32) {
    return existing;
  }
  throw new Error(
    `${file} does not hold a valid secret (32 characters or more): delete it to generate a new one (this signs everyone out)`,
  );
}
