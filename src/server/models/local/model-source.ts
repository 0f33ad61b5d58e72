import path from 'node:path';

/** Where a model file is, or where it comes from and where it goes. */
export type ResolvedSource =
  /** A file path from the catalogue, used as it is (never downloaded). */
  | { kind: 'file'; path: string }
  /**
   * A URL to download into `path`: a name in the models directory pinned to
   * the file's sha256 (or its revision), so two entries or two revisions
   * never share a file.
   */
  | {
      kind: 'url';
      url: string;
      path: string;
      /**
       * The plain name the file had before names were pinned (the source's
       * own file name), when it differs from `path`: a file there may be
       * adopted after it is verified (model-files.ts).
       */
      legacyPath?: string;
    };

/** The parts of an `hf:OWNER/REPO/FILE.gguf@REVISION` source; null for any other text. */
export function parseHfSource(
  source: string,
): { owner: string; repo: string; file: string; revision: string | undefined } | null {
  const match = /^hf:([\w.-]+)\/([\w.-]+)\/([^@]+\.gguf)(?:@([\w.-]+))?$/.exec(source);
  if (!match) {
    return null;
  }
  const [, owner = '', repo = '', file = '', revision] = match;
  return { owner, repo, file, revision };
}

/**
 * Turns a catalogue `source` into a file or a download.
 * `hf:OWNER/REPO/FILE.gguf@REVISION` becomes the repository's resolve URL at
 * that commit (`main` without one). The file is stored in `modelsDir` as
 * `<stem>-<first 12 hex of sha256><ext>` when the entry pins a sha256, else
 * `<stem>-<revision><ext>` for an hf: source at a revision, else under the
 * URL's own file name. Relative file paths are taken from the working directory.
 */
export function resolveSource(source: string, modelsDir: string, sha256?: string): ResolvedSource {
  let url: URL | undefined;
  let revision: string | undefined;
  const hf = parseHfSource(source);
  if (hf) {
    revision = hf.revision;
    const encodedFile = hf.file.split('/').map(encodeURIComponent).join('/');
    url = new URL(
      `https://huggingface.co/${hf.owner}/${hf.repo}/resolve/${encodeURIComponent(revision ?? 'main')}/${encodedFile}`,
    );
  } else if (/^https?:\/\//.test(source)) {
    url = new URL(source);
  } else if (source.startsWith('hf:')) {
    // The catalogue schema refuses these; never read one as a file path.
    throw new Error(`The model source "${source}" is not hf:OWNER/REPO/FILE.gguf@REVISION`);
  }
  if (!url) {
    return { kind: 'file', path: path.resolve(source) };
  }
  const fileName = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (fileName === '' || fileName === '.' || fileName === '..' || fileName.includes(path.sep)) {
    throw new Error(`Cannot name a file after the model source "${source}"`);
  }
  const pinned = pinnedFileName(fileName, sha256, revision);
  const resolved: ResolvedSource = { kind: 'url', url: url.href, path: path.join(modelsDir, pinned) };
  if (pinned !== fileName) {
    resolved.legacyPath = path.join(modelsDir, fileName);
  }
  return resolved;
}

/**
 * The name a downloaded file is stored under: its own name with the first
 * 12 hex digits of its sha256 (or, without one, its revision) before the
 * extension. 48 bits tell apart any files one catalogue will ever list.
 */
export function pinnedFileName(fileName: string, sha256?: string, revision?: string): string {
  const tag = sha256 !== undefined ? sha256.toLowerCase().slice(0, 12) : revision?.slice(0, 12);
  if (tag === undefined || tag === '') {
    return fileName;
  }
  const ext = path.extname(fileName);
  return `${fileName.slice(0, fileName.length - ext.length)}-${tag}${ext}`;
}

/** Headers for a request to `url`: the Hugging Face token for gated models, and only to huggingface.co. */
export function authHeaders(url: string, hfToken: string | undefined): Record<string, string> {
  const isHuggingFace = isHuggingFaceHost(new URL(url).hostname);
  // fetch drops Authorization on cross-origin redirects (Fetch standard), so
  // the token never reaches the CDN the resolve URL redirects to.
  return hfToken && isHuggingFace ? { Authorization: `Bearer ${hfToken}` } : {};
}

/** huggingface.co, its subdomains and hf.co: public hosts a user may be told about. */
export function isHuggingFaceHost(hostname: string): boolean {
  return hostname === 'huggingface.co' || hostname.endsWith('.huggingface.co') || hostname === 'hf.co';
}
