import { ModelDownloadError } from './model-downloader.js';
import { isHuggingFaceHost } from './model-source.js';

/**
 * Why a local model cannot run yet, in words for the people using
 * CodeGenie (GET /api/models `reason`, generation errors). They never
 * contain an internal URL or host: a catalogue may download from a server
 * inside the company, and the exact cause (host, port, errno) is in the log
 * for the administrator. A public host such as huggingface.co is named,
 * since users can tell whether it is blocked.
 */

/** Enough of a catalogue entry to name it and its pull command. */
export interface NamedModel {
  id: string;
  name: string;
}

/** The host of `url` if it is public (Hugging Face), else a neutral phrase. */
export function hostLabel(url: string): string {
  const { hostname } = new URL(url);
  return isHuggingFaceHost(hostname) ? hostname : 'its download server';
}

/** What to do when this server cannot download a model (issue 10: offline installs). */
function offlineAdvice(model: NamedModel): string {
  return (
    `Check this server's internet access, run \`npm run models -- pull ${model.id}\` on a machine that can ` +
    "and copy the file into this server's MODELS_DIR, or point MODELS_FILE at a model server."
  );
}

/** A missing model whose download host did not answer the start-up check. */
export function unreachableReason(model: NamedModel, url: string): string {
  return `Cannot reach ${hostLabel(url)} to download ${model.name}. ${offlineAdvice(model)}`;
}

/** A missing model with MODELS_AUTO_DOWNLOAD=false. */
export function notDownloadedReason(model: NamedModel): string {
  return `${model.name} is not downloaded. Run: npm run models -- pull ${model.id}`;
}

/**
 * A file under the pinned name that did not match its pin was deleted;
 * `fact` says so (model-files.ts), this adds what happens next.
 */
export function rejectedReason(model: NamedModel, fact: string, autoDownload: boolean): string {
  return autoDownload
    ? `${fact} It is downloaded again when the model is first used.`
    : `${fact} Run: npm run models -- pull ${model.id}`;
}

/** Why a download failed, from its typed failure (the raw message, with the URL, goes to the log). */
export function downloadFailedReason(model: NamedModel, url: string, error: unknown): string {
  const prefix = `Download of ${model.name} failed:`;
  const host = hostLabel(url);
  if (!(error instanceof ModelDownloadError)) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOSPC') {
      return `${prefix} this server's disk is full. Free some space and try again.`;
    }
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      return `${prefix} this server cannot write to its MODELS_DIR folder.`;
    }
    return `${prefix} an error on this server (details in its log).`;
  }
  switch (error.failure) {
    case 'unreachable':
      return `${prefix} cannot reach ${host}. ${offlineAdvice(model)}`;
    case 'timeout':
      return `${prefix} ${host} stopped answering; the next try resumes where it stopped. ${offlineAdvice(model)}`;
    case 'interrupted':
      return `${prefix} the transfer from ${host} broke off; the next try resumes where it stopped.`;
    case 'http-status':
      return `${prefix} ${httpReason(host, error.httpStatus)}`;
    case 'size-mismatch':
      return `${prefix} the file offered is not the pinned one (its size differs), so it was not kept.`;
    case 'sha256-mismatch':
      return `${prefix} the downloaded file did not match its pinned SHA-256, so it was deleted.`;
    case 'cancelled':
      return `${prefix} the server was shutting down.`;
    default: {
      const unreachable: never = error.failure;
      return unreachable;
    }
  }
}

function httpReason(host: string, status: number | undefined): string {
  if (status === 401 || status === 403) {
    return `${host} answered ${status}: the file needs access rights (for a gated Hugging Face model, accept its licence and set HF_TOKEN on this server).`;
  }
  if (status === 404) {
    return `${host} answered 404: there is no such file (check the model's source in the catalogue).`;
  }
  return `${host} answered HTTP ${status ?? '?'}. Try again later.`;
}
