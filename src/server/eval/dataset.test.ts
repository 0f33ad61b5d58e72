import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDownloadServer, type DownloadServer } from '../../../test/helpers/download-server.js';
import {
  DatasetError,
  fetchPinned,
  HUMAN_EVAL,
  loadDataset,
  parseProblems,
  type Problem,
} from './dataset.js';

/**
 * Loading the problems: the pinned download over a real HTTP server on
 * 127.0.0.1 (cached only when it matches), other URLs, local files, and
 * the errors that name the bad line.
 */

const PROBLEMS: Problem[] = [
  {
    task_id: 'Test/0',
    prompt: 'def one():\n    """Return 1."""\n',
    canonical_solution: '    return 1\n',
    test: 'def check(f):\n    assert f() == 1\n',
    entry_point: 'one',
  },
  {
    task_id: 'Test/1',
    prompt: 'def two():\n    """Return 2."""\n',
    canonical_solution: '    return 2\n',
    test: 'def check(f):\n    assert f() == 2\n',
    entry_point: 'two',
  },
];
const JSONL = Buffer.from(`${PROBLEMS.map((p) => JSON.stringify(p)).join('\n')}\n`);
const GZ = gzipSync(JSONL);
/** A port on 127.0.0.1 nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  return port;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

let dir: string;
let server: DownloadServer;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-dataset-'));
  server = await startDownloadServer(GZ, { path: '/data/HumanEval.jsonl.gz' });
});
afterEach(() => {
  server.fault = { kind: 'none' };
  server.requests.length = 0;
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the pinned data set', () => {
  it('pins the official HumanEval file at a fixed commit', () => {
    expect(HUMAN_EVAL).toEqual({
      url: 'https://github.com/openai/human-eval/raw/6d43fb980f9fee3c892a914eda09951f772ad10d/data/HumanEval.jsonl.gz',
      size: 44_877,
      sha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef',
      fileName: 'HumanEval.jsonl.gz',
    });
  });

  it('downloads a matching file once, caches it, and reads it from the cache afterwards', async () => {
    const cacheFile = path.join(dir, 'ok', 'HumanEval.jsonl.gz');
    const pin = { url: server.url, size: GZ.length, sha256: sha256(GZ), cacheFile };
    expect((await fetchPinned(pin)).equals(GZ)).toBe(true);
    expect(fs.readFileSync(cacheFile).equals(GZ)).toBe(true);
    expect(server.requests).toHaveLength(1);

    server.fault = { kind: 'not-found' };
    expect(parseProblems(await fetchPinned(pin), 'cache')).toEqual(PROBLEMS);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a download whose sha256 differs, and keeps no file', async () => {
    const cacheFile = path.join(dir, 'bad', 'HumanEval.jsonl.gz');
    const wrong = 'ab'.repeat(32);
    const failure = fetchPinned({ url: server.url, size: GZ.length, sha256: wrong, cacheFile });
    await expect(failure).rejects.toThrow(DatasetError);
    await expect(failure).rejects.toThrow(
      `The file downloaded from ${server.url} is not the expected one: ${GZ.length} bytes with SHA-256 ${sha256(GZ)}, expected ${GZ.length} bytes with SHA-256 ${wrong}. It was not kept.`,
    );
    expect(fs.existsSync(path.dirname(cacheFile)) ? fs.readdirSync(path.dirname(cacheFile)) : []).toEqual([]);
  });

  it('refuses a download of another size', async () => {
    const cacheFile = path.join(dir, 'size', 'HumanEval.jsonl.gz');
    await expect(
      fetchPinned({ url: server.url, size: GZ.length + 1, sha256: sha256(GZ), cacheFile }),
    ).rejects.toThrow(`expected ${GZ.length + 1} bytes`);
    expect(fs.existsSync(cacheFile)).toBe(false);
  });

  it('replaces a damaged cached file with a fresh download', async () => {
    const cacheFile = path.join(dir, 'damaged', 'HumanEval.jsonl.gz');
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(cacheFile, Buffer.concat([GZ.subarray(0, 100), Buffer.alloc(GZ.length - 100)]));
    const data = await fetchPinned({ url: server.url, size: GZ.length, sha256: sha256(GZ), cacheFile });
    expect(data.equals(GZ)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(fs.readFileSync(cacheFile).equals(GZ)).toBe(true);
  });

  it('says why a download failed', async () => {
    server.fault = { kind: 'not-found' };
    const cacheFile = path.join(dir, 'missing', 'x.gz');
    await expect(
      fetchPinned({ url: server.url, size: 1, sha256: 'ab'.repeat(32), cacheFile }),
    ).rejects.toThrow(`Could not download ${server.url}: the server answered HTTP 404`);
    const closed = await closedPort();
    await expect(loadDataset(`http://127.0.0.1:${closed}/nothing.jsonl`, dir)).rejects.toThrow(
      `Could not download http://127.0.0.1:${closed}/nothing.jsonl: ECONNREFUSED`,
    );
  });

  it('gives up on a server that goes silent, instead of waiting for ever', async () => {
    server.fault = { kind: 'no-answer' };
    await expect(loadDataset(server.url, dir, 200)).rejects.toThrow(
      `Could not download ${server.url}: no complete answer within 0.2 s`,
    );
    server.fault = { kind: 'stall', afterBytes: 10 };
    await expect(loadDataset(server.url, dir, 200)).rejects.toThrow(
      `Download of ${server.url} failed: no complete answer within 0.2 s`,
    );
  });
});

describe('without --data', () => {
  it('uses the pinned default, cached under its file name in the cache folder', async () => {
    const cacheDir = path.join(dir, 'default');
    const pinned = { url: server.url, size: GZ.length, sha256: sha256(GZ), fileName: 'Pinned.jsonl.gz' };
    const dataset = await loadDataset(undefined, cacheDir, undefined, pinned);
    expect(dataset).toEqual({ problems: PROBLEMS, source: server.url, sha256: sha256(GZ) });
    expect(fs.readdirSync(cacheDir)).toEqual(['Pinned.jsonl.gz']);
    await expect(
      loadDataset(undefined, cacheDir, undefined, { ...pinned, sha256: 'cd'.repeat(32) }),
    ).rejects.toThrow('It was not kept.');
    // The cached file did not match the new pin: it is gone, not trusted.
    expect(fs.readdirSync(cacheDir)).toEqual([]);
  });
});

describe('--data', () => {
  it('takes another URL (not cached, its sha256 recorded)', async () => {
    const dataset = await loadDataset(server.url, path.join(dir, 'url-cache'));
    expect(dataset).toEqual({ problems: PROBLEMS, source: server.url, sha256: sha256(GZ) });
    expect(fs.existsSync(path.join(dir, 'url-cache'))).toBe(false);
  });

  it('takes a local .jsonl or .jsonl.gz file', async () => {
    fs.writeFileSync(path.join(dir, 'small.jsonl'), JSONL);
    fs.writeFileSync(path.join(dir, 'small.jsonl.gz'), GZ);
    const plain = await loadDataset(path.join(dir, 'small.jsonl'), dir);
    expect(plain).toEqual({
      problems: PROBLEMS,
      source: path.join(dir, 'small.jsonl'),
      sha256: sha256(JSONL),
    });
    expect((await loadDataset(path.join(dir, 'small.jsonl.gz'), dir)).problems).toEqual(PROBLEMS);
    await expect(loadDataset(path.join(dir, 'none.jsonl'), dir)).rejects.toThrow(
      `Cannot read ${path.join(dir, 'none.jsonl')}: ENOENT`,
    );
  });
});

describe('parseProblems', () => {
  const line = (p: Record<string, unknown>): string => JSON.stringify(p);

  it('skips blank lines and names the line of a bad problem', () => {
    const text = `${line({ ...PROBLEMS[0] })}\n \t \n${line({ ...PROBLEMS[1], entry_point: 'not a name' })}\n`;
    expect(() => parseProblems(Buffer.from(text), 'mine.jsonl')).toThrow(
      'mine.jsonl line 3 is not a problem: entry_point: must be a Python function name',
    );
  });

  it('names a missing field, a line that is not JSON, repeats and an empty file', () => {
    const { test: _test, ...noTest } = PROBLEMS[0] ?? {};
    expect(() => parseProblems(Buffer.from(line(noTest)), 'a.jsonl')).toThrow(
      'a.jsonl line 1 is not a problem: test:',
    );
    expect(() => parseProblems(Buffer.from(`${line({ ...PROBLEMS[0] })}\n{"task_id": `), 'b.jsonl')).toThrow(
      'b.jsonl line 2 is not valid JSON',
    );
    const twice = `${line({ ...PROBLEMS[0] })}\n${line({ ...PROBLEMS[0] })}`;
    expect(() => parseProblems(Buffer.from(twice), 'c.jsonl')).toThrow(
      'c.jsonl line 2 repeats task_id "Test/0"',
    );
    expect(() => parseProblems(Buffer.from('\n\n'), 'd.jsonl')).toThrow('d.jsonl holds no problems');
  });

  it('reads gzip by its magic bytes, and reports a broken one', () => {
    expect(parseProblems(GZ, 'no-extension')).toEqual(PROBLEMS);
    expect(() => parseProblems(GZ.subarray(0, 20), 'cut.gz')).toThrow('cut.gz is not a valid gzip file');
  });

  it('keeps problems without a canonical solution (other data sets may leave it out)', () => {
    const { canonical_solution: _c, ...rest } = PROBLEMS[0] ?? {};
    expect(parseProblems(Buffer.from(line(rest)), 'e.jsonl')).toEqual([rest]);
  });
});
