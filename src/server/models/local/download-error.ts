import { ModelUnavailableError } from '../model-errors.js';

/** Why a download failed; `interrupted` and `timeout` keep the .part file so a later try resumes. */
export type DownloadFailure =
  | 'interrupted'
  | 'timeout'
  | 'unreachable'
  | 'http-status'
  | 'size-mismatch'
  | 'sha256-mismatch'
  | 'cancelled';

/** A download that did not produce a verified file. The model stays unavailable until one does. */
export class ModelDownloadError extends ModelUnavailableError {
  constructor(
    message: string,
    readonly failure: DownloadFailure,
    /** The server's answer, for `http-status`. */
    readonly httpStatus?: number,
  ) {
    super(message, { failure });
  }
}
