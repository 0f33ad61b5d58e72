import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinnedLocalModel } from '../../../../test/helpers/catalogue.js';
import { startDownloadServer, type DownloadServer } from '../../../../test/helpers/download-server.js';
import { localProviderOptions } from '../../../../test/helpers/local-provider.js';
import { writeTinyGguf } from '../../../../test/helpers/tiny-gguf.js';
import type { LocalModelEntry } from '../catalogue.js';
import { ModelUnavailableError } from '../model-errors.js';
import { renderCompletion } from '../prompt-formats.js';
import type { Chunk, ModelStatus } from '../provider.port.js';
import { LocalProvider } from './local.provider.js';
import { memoPath } from './model-files.js';

/**
 * Files in MODELS_DIR are used only once they match their pin: real files
 * in a temporary folder, real hashing, a real HTTP download server.
 */
function captureLog() {
  const lines: { level: number; msg: string }[] = [];
  const log = Fastify({
    logger: { level: 'info', stream: { write: (line: string) => lines.push(JSON.parse(line)) } },
  }).log;
  const has = (level: 'info' | 'warn', pattern: RegExp): boolean =>
    lines.some((l) => l.level === (level === 'info' ? 30 : 40) && pattern.test(l.msg));
  return { log, lines, has };
}

async function completionTokens(chunks: AsyncIterable<Chunk>): Promise<number> {
  let tokens = -1;
  for await (const chunk of chunks) {
    if (chunk.type === 'usage') {
      tokens = chunk.completionTokens;
    }
  }
  return tokens;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelUnavailableError);
  return error as Error;
}

describe('LocalProvider: pinned model files', () => {
  let body: Buffer;
  let scratch: string;
  let modelsDir: string;
  let server: DownloadServer;
  let providers: LocalProvider[];
  let model: LocalModelEntry;
  let logged: ReturnType<typeof captureLog>;

  const make = (autoDownload = true): LocalProvider => {
    const p = new LocalProvider(localProviderOptions({ modelsDir, autoDownload, log: logged.log }));
    providers.push(p);
    return p;
  };
  /** A provider started with `model`, once it has checked the files already there. */
  const startedAndChecked = async (): Promise<LocalProvider> => {
    const p = make();
    p.start([model]);
    await p.checked();
    return p;
  };
  const generate = (p: LocalProvider, entry: LocalModelEntry) =>
    p.generate({
      model: entry,
      input: { style: 'text', prompt: renderCompletion('SELECT', []) },
      params: { temperature: 0, topP: 1, maxTokens: 6, stop: [] },
      signal: new AbortController().signal,
    });
  const pinned = (entry: LocalModelEntry = model): string =>
    path.join(modelsDir, `tiny-${entry.sha256?.slice(0, 12) ?? ''}.gguf`);
  const legacy = (): string => path.join(modelsDir, 'tiny.gguf');
  const gets = (): number => server.requests.filter((r) => r.method === 'GET').length;

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'local-files-'));
    writeTinyGguf(path.join(scratch, 'source.gguf'), { seed: 11 });
    body = fs.readFileSync(path.join(scratch, 'source.gguf'));
  });

  beforeEach(async () => {
    modelsDir = fs.mkdtempSync(path.join(scratch, 'models-'));
    server = await startDownloadServer(body, { path: '/repo/tiny.gguf' });
    providers = [];
    logged = captureLog();
    model = pinnedLocalModel('tiny', 'Tiny Remote', server.url, body, { contextLength: 256 });
  });

  afterEach(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await server.close();
  });

  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('never runs an entry whose sha256 is wrong on the file of another entry with the same file name', async () => {
    const wrong: LocalModelEntry = {
      ...model,
      id: 'tiny-wrong',
      name: 'Tiny Wrong',
      sha256: 'ab'.repeat(32),
    };
    const p = make();
    expect(await completionTokens(generate(p, model))).toBe(6);
    expect(p.status(model)).toEqual({ status: 'ready' });
    // Same source URL, so the same file name before names were pinned: it used to count as downloaded.
    expect(p.status(wrong)).toEqual({ status: 'not-downloaded' });

    const error = await rejection(completionTokens(generate(p, wrong)));
    expect(error.message).toBe(
      'Download of Tiny Wrong failed: the downloaded file did not match its pinned SHA-256, so it was deleted.',
    );
    expect(p.status(wrong)).toEqual({ status: 'not-downloaded', reason: error.message });
    expect(fs.readdirSync(modelsDir).sort()).toEqual([
      path.basename(pinned()),
      path.basename(memoPath(pinned())),
    ]);
    expect(p.status(model)).toEqual({ status: 'ready' });
  });

  it('checks a file copied in by hand under the pinned name: a good one is used without a download', async () => {
    fs.copyFileSync(path.join(scratch, 'source.gguf'), pinned());
    const p = make();
    p.start([model]);
    expect(p.status(model).status).toBe('verifying');
    await p.checked();
    expect(p.status(model)).toEqual({ status: 'ready' });
    expect(JSON.parse(fs.readFileSync(memoPath(pinned()), 'utf8'))).toEqual({
      size: body.length,
      mtimeMs: fs.statSync(pinned()).mtimeMs,
      sha256: model.sha256,
    });
    expect(logged.has('info', /local models: 1 present \(tiny; checking their files\), 0 missing/)).toBe(
      true,
    );
    expect(logged.has('info', /local model files checked: 1 match their pinned SHA-256$/)).toBe(true);
    expect(server.requests).toEqual([]);
  });

  it('deletes a wrong file under the pinned name, says so, and downloads the right one on first use', async () => {
    fs.writeFileSync(pinned(), Buffer.alloc(body.length, 0x42)); // right size, wrong bytes
    const p = await startedAndChecked();
    const fact = `The file ${path.basename(pinned())} did not match its pinned SHA-256, so it was deleted.`;
    expect(p.status(model)).toEqual({
      status: 'not-downloaded',
      reason: `${fact} It is downloaded again when the model is first used.`,
    });
    expect(fs.existsSync(pinned())).toBe(false);
    expect(logged.has('warn', new RegExp(`^Tiny Remote: ${fact.replace(/[.()]/g, '\\$&')}$`))).toBe(true);
    expect(
      logged.has(
        'info',
        /files checked: 0 match their pinned SHA-256, 1 do not \(tiny; see the warnings above\)/,
      ),
    ).toBe(true);

    expect(await completionTokens(generate(p, model))).toBe(6);
    expect(fs.readFileSync(pinned()).equals(body)).toBe(true);
    expect(p.status(model)).toEqual({ status: 'ready' });
  });

  it('with auto-download off, a deleted file tells the user to pull the model', async () => {
    fs.writeFileSync(pinned(), Buffer.alloc(body.length - 1)); // the wrong size: no need to hash
    const p = make(false);
    expect(await p.checkFile(model)).toBeNull();
    const reason = `The file ${path.basename(pinned())} did not match its pinned size, so it was deleted. Run: npm run models -- pull tiny`;
    expect(p.status(model)).toEqual({ status: 'unavailable', reason });
    expect((await rejection(completionTokens(generate(p, model)))).message).toBe(reason);
    expect(server.requests).toEqual([]);
  });

  it('waits on first use for the check of a file, and never loads a file that failed it', async () => {
    fs.writeFileSync(pinned(), Buffer.alloc(body.length, 0x42));
    const p = make(false);
    const error = await rejection(completionTokens(generate(p, model)));
    expect(error.message).toMatch(
      /did not match its pinned SHA-256, so it was deleted\. Run: npm run models -- pull tiny$/,
    );
    expect(fs.existsSync(pinned())).toBe(false);
  });

  it('remembers a verified file by size and modification time, across restarts', async () => {
    const fixed = new Date('2024-05-01T12:00:00Z');
    fs.copyFileSync(path.join(scratch, 'source.gguf'), pinned());
    fs.utimesSync(pinned(), fixed, fixed);
    const first = await startedAndChecked();
    expect(first.status(model)).toEqual({ status: 'ready' });
    await first.close();

    // Other bytes, same size and mtime: only a re-hash could notice, and the memo spares it.
    const changed = Buffer.from(body);
    changed[changed.length - 1] = (changed.at(-1) ?? 0) ^ 0xff;
    fs.writeFileSync(pinned(), changed);
    fs.utimesSync(pinned(), fixed, fixed);
    const second = await startedAndChecked();
    expect(second.status(model)).toEqual({ status: 'ready' });
    await second.close();

    // A new mtime voids the memo: the file is hashed, found wrong and deleted.
    fs.utimesSync(pinned(), new Date(), new Date());
    const third = await startedAndChecked();
    expect(third.status(model).status).toBe('not-downloaded');
    expect(fs.existsSync(pinned())).toBe(false);
    expect(fs.existsSync(memoPath(pinned()))).toBe(false);
  });

  it('is "verifying" with the bytes hashed so far while a large file is checked, then ready', async () => {
    const size = 128 * 1_048_576;
    const hash = createHash('sha256');
    const mebibyte = Buffer.alloc(1_048_576);
    for (let i = 0; i < 128; i++) {
      hash.update(mebibyte);
    }
    const big: LocalModelEntry = { ...model, id: 'big', name: 'Big', sha256: hash.digest('hex'), size };
    fs.writeFileSync(pinned(big), '');
    fs.truncateSync(pinned(big), size); // sparse: 128 MiB of zeros in no time
    const p = make();
    p.start([big]);
    const seen: ModelStatus[] = [p.status(big)];
    while (seen.at(-1)?.status === 'verifying') {
      // The event loop answers while the file is hashed: the check streams it.
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(p.status(big));
    }
    expect(seen.at(-1)).toEqual({ status: 'ready' });
    const hashed = seen.flatMap((s) => (s.status === 'verifying' ? [s.progress?.receivedBytes ?? -1] : []));
    expect(seen[0]).toEqual({ status: 'verifying', progress: { receivedBytes: 0, totalBytes: size } });
    expect(hashed.some((n) => n > 0 && n < size)).toBe(true);
    expect(hashed).toEqual([...hashed].sort((a, b) => a - b));
  });

  it('adopts a matching file that an earlier version downloaded under the plain name: nothing is downloaded', async () => {
    fs.copyFileSync(path.join(scratch, 'source.gguf'), legacy());
    const p = await startedAndChecked();
    expect(p.status(model)).toEqual({ status: 'ready' });
    expect(fs.existsSync(legacy())).toBe(false);
    expect(fs.readFileSync(pinned()).equals(body)).toBe(true);
    expect(fs.existsSync(memoPath(pinned()))).toBe(true);
    expect(logged.has('info', /local models: 1 present/)).toBe(true);
    expect(
      logged.has(
        'info',
        /^Tiny Remote: adopted tiny\.gguf \(downloaded by an earlier version, verified\) as tiny-[0-9a-f]{12}\.gguf$/,
      ),
    ).toBe(true);
    expect(await completionTokens(generate(p, model))).toBe(6);
    expect(server.requests).toEqual([]);
  });

  it('leaves alone a plain-named file that does not match, says so once, and downloads the pinned file beside it', async () => {
    const other = Buffer.alloc(body.length, 0x17);
    fs.writeFileSync(legacy(), other);
    const p = await startedAndChecked();
    expect(p.status(model)).toEqual({ status: 'not-downloaded' });
    expect(await p.checkFile(model)).toBeNull();
    const warnings = logged.lines.filter((l) => l.level === 40 && l.msg.includes('left alone'));
    expect(warnings.map((w) => w.msg)).toEqual([
      'Tiny Remote: tiny.gguf (downloaded by an earlier version) does not match the pinned SHA-256; left alone',
    ]);

    expect(await completionTokens(generate(p, model))).toBe(6);
    expect(gets()).toBe(1);
    expect(fs.readFileSync(legacy()).equals(other)).toBe(true);
    expect(fs.readFileSync(pinned()).equals(body)).toBe(true);
  });

  it('ignores a plain-named file of another size', async () => {
    fs.writeFileSync(legacy(), Buffer.alloc(body.length + 1));
    const p = await startedAndChecked();
    expect(logged.has('info', /local models: 0 present, 1 missing \(tiny; downloaded on first use\)/)).toBe(
      true,
    );
    expect(p.status(model)).toEqual({ status: 'not-downloaded' });
    expect(fs.statSync(legacy()).size).toBe(body.length + 1);
  });
});
