import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { networkCause } from '../models/local/download-helpers.js';

/**
 * The problems `npm run eval` asks a model to solve: HumanEval (Chen et al.,
 * 2021; MIT licence) or another file of the same JSON-lines format. The
 * official file is downloaded once, checked against its pinned size and
 * SHA-256, and cached; it is never committed.
 */

/** The official HumanEval file at a fixed commit of openai/human-eval. */
export const HUMAN_EVAL = {
  url: 'https://github.com/openai/human-eval/raw/6d43fb980f9fee3c892a914eda09951f772ad10d/data/HumanEval.jsonl.gz',
  size: 44_877,
  sha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef',
  fileName: 'HumanEval.jsonl.gz',
} as const;

/** A downloaded data set must not be larger than this (HumanEval is 45 KB gzipped). */
const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;

/** How long a data set download may take in all, so a silent server cannot hold eval forever. */
export const DATA_DOWNLOAD_TIMEOUT_MS = 60_000;

/** One line of the file: a function to complete and the tests that check it. */
export const problemSchema = z.object({
  task_id: z.string().min(1, 'must not be empty'),
  /** Imports, helpers and the signature with its docstring, ending where the body starts. */
  prompt: z.string().min(1, 'must not be empty'),
  /** The reference body (unused by eval; optional so other data sets may leave it out). */
  canonical_solution: z.string().optional(),
  /** Python defining `check(candidate)`, which asserts. */
  test: z.string().min(1, 'must not be empty'),
  entry_point: z.string().regex(/^[A-Za-z_]\w*$/, 'must be a Python function name'),
});

export type Problem = z.infer<typeof problemSchema>;

/** A data set that cannot be used, in words for the person running eval. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** The problems, and where they came from as the report records it. */
export interface Dataset {
  problems: Problem[];
  /** The URL or the absolute path. */
  source: string;
  sha256: string;
}

/** A file to download and accept only when it matches its pin. */
export interface PinnedFile {
  url: string;
  size: number;
  sha256: string;
  /** Where the verified file is kept. */
  cacheFile: string;
}

const sha256Of = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * Parses a .jsonl file, gzipped or not (told apart by the gzip magic bytes,
 * not the name). Blank lines are skipped; a bad line is named by its number.
 */
export function parseProblems(data: Buffer, name: string): Problem[] {
  let text: string;
  try {
    text = (data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data).toString('utf8');
  } catch (error) {
    throw new DatasetError(`${name} is not a valid gzip file: ${messageOf(error)}`);
  }
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') {
      continue;
    }
    const where = `${name} line ${index + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      throw new DatasetError(`${where} is not valid JSON: ${messageOf(error)}`);
    }
    const parsed = problemSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`);
      throw new DatasetError(`${where} is not a problem: ${problems.join('; ')}`);
    }
    if (seen.has(parsed.data.task_id)) {
      throw new DatasetError(`${where} repeats task_id "${parsed.data.task_id}"`);
    }
    seen.add(parsed.data.task_id);
    problems.push(parsed.data);
  }
  if (problems.length === 0) {
    throw new DatasetError(`${name} holds no problems`);
  }
  return problems;
}

/** Downloads a URL into memory (data sets are small), refusing anything over MAX_DOWNLOAD_BYTES. */
async function download(url: string, timeoutMs: number): Promise<Buffer> {
  const signal = AbortSignal.timeout(timeoutMs);
  const cause = (error: unknown): string =>
    signal.aborted ? `no complete answer within ${timeoutMs / 1000} s` : networkCause(error);
  let response: Response;
  try {
    // fetch follows GitHub's redirect from /raw/ to raw.githubusercontent.com.
    response = await fetch(url, { signal });
  } catch (error) {
    throw new DatasetError(`Could not download ${url}: ${cause(error)}`);
  }
  if (!response.ok || response.body === null) {
    throw new DatasetError(`Could not download ${url}: the server answered HTTP ${response.status}`);
  }
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const part of response.body) {
      total += part.byteLength;
      if (total > MAX_DOWNLOAD_BYTES) {
        await response.body.cancel();
        throw new DatasetError(`${url} is larger than ${MAX_DOWNLOAD_BYTES / 1_048_576} MB: not a data set`);
      }
      parts.push(Buffer.from(part));
    }
  } catch (error) {
    if (error instanceof DatasetError) {
      throw error;
    }
    throw new DatasetError(`Download of ${url} failed: ${cause(error)}`);
  }
  return Buffer.concat(parts);
}

/**
 * Returns the pinned file's content: the cached copy when it still matches
 * its pin, else a fresh download that must match before it is cached (a
 * mismatch leaves no file behind and says so).
 */
export async function fetchPinned(
  pin: PinnedFile,
  timeoutMs: number = DATA_DOWNLOAD_TIMEOUT_MS,
): Promise<Buffer> {
  if (fs.existsSync(pin.cacheFile)) {
    const cached = fs.readFileSync(pin.cacheFile);
    if (cached.length === pin.size && sha256Of(cached) === pin.sha256) {
      return cached;
    }
    // Damaged or replaced by hand: never used, fetched again.
    fs.rmSync(pin.cacheFile, { force: true });
  }
  const data = await download(pin.url, timeoutMs);
  const hash = sha256Of(data);
  if (data.length !== pin.size || hash !== pin.sha256) {
    throw new DatasetError(
      `The file downloaded from ${pin.url} is not the expected one: ${data.length} bytes with SHA-256 ${hash}, ` +
        `expected ${pin.size} bytes with SHA-256 ${pin.sha256}. It was not kept. ` +
        'If the address serves a different file now, pass a copy you trust with --data.',
    );
  }
  fs.mkdirSync(path.dirname(pin.cacheFile), { recursive: true });
  // Written under a temporary name and renamed, so a crash never leaves half a file to be trusted.
  const part = `${pin.cacheFile}.${process.pid}.part`;
  fs.writeFileSync(part, data);
  fs.renameSync(part, pin.cacheFile);
  return data;
}

/** The data set used when --data is not given: the official file and the name it is cached under. */
export interface DefaultDataset {
  url: string;
  size: number;
  sha256: string;
  fileName: string;
}

/**
 * Loads the problems: `data` undefined for the pinned default (HumanEval,
 * downloaded once into `cacheDir`), an http(s) URL, or a local .jsonl /
 * .jsonl.gz file. A download gets `timeoutMs` in all. `pinned` is
 * replaceable so tests need no network.
 */
export async function loadDataset(
  data: string | undefined,
  cacheDir: string,
  timeoutMs: number = DATA_DOWNLOAD_TIMEOUT_MS,
  pinned: DefaultDataset = HUMAN_EVAL,
): Promise<Dataset> {
  if (data === undefined) {
    const bytes = await fetchPinned(
      { ...pinned, cacheFile: path.join(cacheDir, pinned.fileName) },
      timeoutMs,
    );
    return { problems: parseProblems(bytes, pinned.fileName), source: pinned.url, sha256: pinned.sha256 };
  }
  if (/^https?:\/\//i.test(data)) {
    const bytes = await download(data, timeoutMs);
    const name = decodeURIComponent(new URL(data).pathname.split('/').pop() ?? '') || data;
    return { problems: parseProblems(bytes, name), source: data, sha256: sha256Of(bytes) };
  }
  const file = path.resolve(data);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new DatasetError(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`,
    );
  }
  return { problems: parseProblems(bytes, path.basename(file)), source: file, sha256: sha256Of(bytes) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
