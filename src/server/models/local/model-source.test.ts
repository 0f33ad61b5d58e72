import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authHeaders, pinnedFileName, resolveSource } from './model-source.js';

const SHA = 'cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046';
const REV = 'f86cb2c1fa58255f8052cc32aeede1b7482d4361';

/** What resolveSource gives for a download of `url` kept as `file` in /models. */
const download = (url: string, file: string) => ({ kind: 'url', url, path: path.join('/models', file) });

describe('resolveSource: pinned revisions and file names', () => {
  it('downloads hf:OWNER/REPO/FILE@REVISION from that commit, not from main', () => {
    const source = resolveSource(
      `hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf@${REV}`,
      '/models',
      SHA,
    );
    expect(source).toEqual({
      ...download(
        `https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/${REV}/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`,
        'qwen2.5-coder-1.5b-instruct-q4_k_m-cc324af070c2.gguf',
      ),
      legacyPath: path.join('/models', 'qwen2.5-coder-1.5b-instruct-q4_k_m.gguf'),
    });
  });

  it('keeps main for an hf: source without a revision, and encodes folders and odd names', () => {
    expect(resolveSource('hf:org/repo/sub dir/m+1.gguf', '/models')).toEqual(
      download('https://huggingface.co/org/repo/resolve/main/sub%20dir/m%2B1.gguf', 'm+1.gguf'),
    );
    expect(resolveSource('hf:org/repo/m.gguf@v1.0', '/models')).toMatchObject({
      url: 'https://huggingface.co/org/repo/resolve/v1.0/m.gguf',
    });
  });

  it('names the file after its sha256, else its revision, so entries and revisions never share a file', () => {
    const a = resolveSource('https://example.org/files/model.gguf', '/models', SHA);
    const b = resolveSource('https://example.org/files/model.gguf', '/models', 'ab'.repeat(32));
    expect(a.path).toBe(path.join('/models', 'model-cc324af070c2.gguf'));
    expect(b.path).toBe(path.join('/models', 'model-abababababab.gguf'));
    // Upper-case hex in a catalogue names the same file.
    expect(resolveSource('https://example.org/files/model.gguf', '/models', SHA.toUpperCase()).path).toBe(
      a.path,
    );

    const rev1 = resolveSource(`hf:o/r/model.gguf@${REV}`, '/models');
    const rev2 = resolveSource('hf:o/r/model.gguf@0123456789abcdef0123456789abcdef01234567', '/models');
    expect(rev1.path).toBe(path.join('/models', 'model-f86cb2c1fa58.gguf'));
    expect(rev2.path).toBe(path.join('/models', 'model-0123456789ab.gguf'));
    // The sha256 wins over the revision: the bytes are what matters.
    expect(resolveSource(`hf:o/r/model.gguf@${REV}`, '/models', SHA).path).toBe(a.path);
  });

  it('uses a file path from the catalogue as it is, with no pinned name', () => {
    expect(resolveSource('/srv/models/own.gguf', '/models', SHA)).toEqual({
      kind: 'file',
      path: '/srv/models/own.gguf',
    });
  });

  it('puts the tag before the extension, or at the end of a name without one', () => {
    expect(pinnedFileName('phi-2.Q4_K_M.gguf', SHA)).toBe('phi-2.Q4_K_M-cc324af070c2.gguf');
    expect(pinnedFileName('weights', SHA)).toBe('weights-cc324af070c2');
    expect(pinnedFileName('m.gguf')).toBe('m.gguf');
  });
});

describe('resolveSource: plain sources, and the HF_TOKEN header', () => {
  it('turns hf:OWNER/REPO/FILE.gguf into the resolve URL and a file in the models directory', () => {
    expect(resolveSource('hf:TheBloke/phi-2-GGUF/phi-2.Q4_K_M.gguf', '/models')).toEqual(
      download(
        'https://huggingface.co/TheBloke/phi-2-GGUF/resolve/main/phi-2.Q4_K_M.gguf',
        'phi-2.Q4_K_M.gguf',
      ),
    );
  });

  it('names a URL download after its last path segment, and uses a file path as it is', () => {
    expect(resolveSource('https://example.org/files/m.gguf?download=1', '/models')).toEqual(
      download('https://example.org/files/m.gguf?download=1', 'm.gguf'),
    );
    expect(resolveSource('/srv/models/own.gguf', '/models')).toEqual({
      kind: 'file',
      path: '/srv/models/own.gguf',
    });
    expect(resolveSource('own.gguf', '/models')).toEqual({ kind: 'file', path: path.resolve('own.gguf') });
  });

  it('sends HF_TOKEN only to huggingface.co', () => {
    expect(authHeaders('https://huggingface.co/a/b/resolve/main/c.gguf', 'hf_x')).toEqual({
      Authorization: 'Bearer hf_x',
    });
    expect(authHeaders('https://cdn-lfs.huggingface.co/x', 'hf_x')).toEqual({ Authorization: 'Bearer hf_x' });
    expect(authHeaders('https://huggingface.co.evil.example/x', 'hf_x')).toEqual({});
    expect(authHeaders('https://example.org/x.gguf', 'hf_x')).toEqual({});
    expect(authHeaders('https://huggingface.co/a/b/resolve/main/c.gguf', undefined)).toEqual({});
  });
});
