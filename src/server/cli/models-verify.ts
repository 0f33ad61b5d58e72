import path from 'node:path';
import type { LocalModelEntry } from '../models/catalogue.js';
import type { LocalProvider } from '../models/local/local.provider.js';

/** Where progress lines go (process.stderr). */
export interface VerifyOutput {
  write(text: string): unknown;
}

/**
 * Checks a local model's file against its pinned size and sha256 (adopting
 * a file an earlier version downloaded under the plain name), as
 * `npm run models -- list` and `pull` do before anything else. Hashing a
 * multi-gigabyte file takes a while the first time, so its progress is
 * shown, a line per 25 %; a file remembered by its memo passes silently.
 * Resolves with the verified file, or null when there is none.
 */
export async function verifyWithProgress(
  provider: LocalProvider,
  model: LocalModelEntry,
  out: VerifyOutput,
): Promise<string | null> {
  let shown = -1;
  const show = (): void => {
    const status = provider.status(model);
    const { receivedBytes = 0, totalBytes = null } = status.progress ?? {};
    if (status.status !== 'verifying' || receivedBytes === 0 || !totalBytes) {
      return;
    }
    const quarter = Math.floor((4 * receivedBytes) / totalBytes);
    if (quarter > shown) {
      shown = quarter;
      out.write(
        `Checking ${model.name}'s file against its pinned SHA-256: ${Math.min(100, quarter * 25)}%\n`,
      );
    }
  };
  // Polled, not pushed: the check may already be running for another caller.
  const timer = setInterval(show, 250);
  try {
    return await provider.checkFile(model);
  } finally {
    clearInterval(timer);
  }
}

/** The detail `list` shows for a local model whose file is ready: which file, and whether it was checked. */
export function readyDetail(model: LocalModelEntry, file: string | null): string {
  if (file === null) {
    return '';
  }
  return model.sha256 === undefined ? file : `${path.basename(file)}, matches its pinned SHA-256`;
}
