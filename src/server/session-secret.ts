import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SECRET_FILE = 'session-secret';

/**
 * Returns SESSION_SECRET when set; otherwise reads the secret kept in
 * DATA_DIR, generating a random 256-bit one (file mode 0600) on first start.
 */
export function resolveSessionSecret(configured: string | undefined, dataDir: string): string {
  if (configured !== undefined) {
    return configured;
  }
  const file = path.join(dataDir, SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) {
      // Tighten permissions if someone loosened them.
      fs.chmodSync(file, 0o600);
      return existing;
    }
    throw new Error(
      `${file} does not hold a valid secret (32 characters or more): delete it to generate a new one (this signs everyone out)`,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  const secret = randomBytes(32).toString('base64url');
  // 'wx' fails if another process created it meanwhile; then read theirs.
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return fs.readFileSync(file, 'utf8').trim();
    }
    throw error;
  }
}
