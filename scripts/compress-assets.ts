import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/*
 * Writes a brotli (`.br`) and a gzip (`.gz`) copy next to each text asset of the
 * built web app, so the server sends compressed bytes without compressing on every
 * request (@fastify/static `preCompressed`). Vite's build runs it on its output
 * (vite.config.ts); by hand: `npx tsx scripts/compress-assets.ts [dist/web]`.
 */

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** What is worth compressing: text the browser loads. Source maps are left out: only developer tools fetch them. */
const TEXT_EXTENSIONS = new Set([
  '.js',
  '.mjs',
  '.css',
  '.html',
  '.svg',
  '.json',
  '.txt',
  '.xml',
  '.webmanifest',
]);

/** Below this a file fits in one packet either way, and the copy is not worth its disk space. */
export const MIN_BYTES = 1024;

/** One asset and the sizes of its copies (undefined: not written, it would not be smaller). */
export interface CompressedAsset {
  /** Relative to the folder compressed, with forward slashes. */
  file: string;
  bytes: number;
  br: number | undefined;
  gzip: number | undefined;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Writes `copy` as `target` when it is smaller than the original; otherwise removes a stale copy. */
async function writeIfSmaller(
  target: string,
  copy: Buffer,
  originalBytes: number,
): Promise<number | undefined> {
  if (copy.length >= originalBytes) {
    await fs.rm(target, { force: true });
    return undefined;
  }
  await fs.writeFile(target, copy);
  return copy.length;
}

async function compressFile(root: string, file: string): Promise<CompressedAsset> {
  const original = await fs.readFile(file);
  const [br, gz] = await Promise.all([
    brotli(original, {
      params: {
        // Maximum quality: paid once at build time, not on each request.
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: original.length,
      },
    }),
    gzip(original, { level: zlib.constants.Z_BEST_COMPRESSION }),
  ]);
  return {
    file: path.relative(root, file).split(path.sep).join('/'),
    bytes: original.length,
    br: await writeIfSmaller(`${file}.br`, br, original.length),
    gzip: await writeIfSmaller(`${file}.gz`, gz, original.length),
  };
}

/** Compresses every text asset of at least MIN_BYTES under `root`; returns what it wrote, largest first. */
export async function compressAssets(root: string): Promise<CompressedAsset[]> {
  const files = (await listFiles(root)).filter((file) => TEXT_EXTENSIONS.has(path.extname(file)));
  const sized = await Promise.all(files.map(async (file) => ({ file, bytes: (await fs.stat(file)).size })));
  const results = await Promise.all(
    sized.filter(({ bytes }) => bytes >= MIN_BYTES).map(({ file }) => compressFile(root, file)),
  );
  return results.sort((a, b) => b.bytes - a.bytes);
}

/** One line for the build log: how many files, and their total size before and after. */
export function summarize(results: CompressedAsset[]): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const total = (pick: (r: CompressedAsset) => number | undefined) =>
    results.reduce((sum, r) => sum + (pick(r) ?? r.bytes), 0);
  return (
    `compressed ${results.length} assets: ${kb(total((r) => r.bytes))} -> ` +
    `${kb(total((r) => r.br))} brotli, ${kb(total((r) => r.gzip))} gzip`
  );
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const root = path.resolve(process.argv[2] ?? 'dist/web');
  compressAssets(root).then(
    (results) => {
      process.stdout.write(`${summarize(results)} (${root})\n`);
    },
    (error: unknown) => {
      process.stderr.write(`compress-assets: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
