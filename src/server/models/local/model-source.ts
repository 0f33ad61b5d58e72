import path from 'node:path';

/** Where a model file is, or where it comes from and where it goes. */
export type ResolvedSource =
  /** A file path from the catalogue, used as it is (never downloaded). */
  | { kind: 'file'; path: string }
  /** A URL to download into `path` (in the models directory). */
  | { kind: 'url'; url: string; path: string };

/**
 * Turns a catalogue `source` into a file or a download: `hf:OWNER/REPO/FILE.gguf`
 * becomes the repository's resolve URL, and a URL's last path segment names
 * the file in `modelsDir`. Relative file paths are taken from the working directory.
 */
export function resolveSource(source: string, modelsDir: string): ResolvedSource {
  let url: URL | undefined;
  const hf = /^hf:([^/]+)\/([^/]+)\/(.+)$/.exec(source);
  if (hf) {
    const [, owner = '', repo = '', file = ''] = hf;
    const encodedFile = file.split('/').map(encodeURIComponent).join('/');
    url = new URL(`https://huggingface.co/${owner}/${repo}/resolve/main/${encodedFile}`);
  } else if (/^https?:\/\//.test(source)) {
    url = new URL(source);
  }
  if (!url) {
    return { kind: 'file', path: path.resolve(source) };
  }
  const fileName = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (fileName === '' || fileName === '.' || fileName === '..' || fileName.includes(path.sep)) {
    throw new Error(`Cannot name a file after the model source "${source}"`);
  }
  return { kind: 'url', url: url.href, path: path.join(modelsDir, fileName) };
}

/** Headers for a request to `url`: the Hugging Face token for gated models, and only to huggingface.co. */
export function authHeaders(url: string, hfToken: string | undefined): Record<string, string> {
  const host = new URL(url).hostname;
  const isHuggingFace = host === 'huggingface.co' || host.endsWith('.huggingface.co') || host === 'hf.co';
  // fetch drops Authorization on cross-origin redirects (Fetch standard), so
  // the token never reaches the CDN the resolve URL redirects to.
  return hfToken && isHuggingFace ? { Authorization: `Bearer ${hfToken}` } : {};
}
