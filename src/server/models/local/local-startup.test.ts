import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDownloadServer, type DownloadServer } from '../../../../test/helpers/download-server.js';
import type { LocalModelEntry } from '../catalogue.js';
import { ModelUnavailableError } from '../model-errors.js';
import { renderCompletion } from '../prompt-formats.js';
import { LocalProvider } from './local.provider.js';
import { downloadFailedReason, unreachableReason } from './local-reasons.js';
import { ModelDownloadError } from './model-downloader.js';

/**
 * Start-up on a machine that cannot reach the download host: the log says
 * what is present and what is missing, and users are told what to do
 * (never with an internal URL).
 */
const BODY = Buffer.from('GGUF and then some bytes of a model file');
const SHA = createHash('sha256').update(BODY).digest('hex');

describe('LocalProvider start-up checks', () => {
  let modelsDir: string;
  let server: DownloadServer;
  let providers: LocalProvider[];
  let lines: { level: number; msg: string; host?: string; cause?: string }[];

  const make = (probeTimeoutMs = 2_000): LocalProvider => {
    const log = Fastify({
      logger: { level: 'info', stream: { write: (line: string) => lines.push(JSON.parse(line)) } },
    }).log;
    const p = new LocalProvider({
      modelsDir,
      autoDownload: true,
      memoryBudgetBytes: 64 * 1_048_576,
      gpu: 'off',
      parallel: 1,
      queueLength: 1,
      firstTokenTimeoutMs: 5_000,
      idleTimeoutMs: 5_000,
      log,
      probeTimeoutMs,
      download: { connectTimeoutMs: 2_000, idleTimeoutMs: 2_000, hfToken: undefined },
    });
    providers.push(p);
    return p;
  };
  const entry = (id: string, source: string): LocalModelEntry => ({
    id,
    name: `Model ${id}`,
    provider: 'local',
    format: 'completion',
    source,
    sha256: SHA,
    size: BODY.length,
  });
  const messages = (level: number): string[] => lines.filter((l) => l.level === level).map((l) => l.msg);

  beforeEach(async () => {
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-startup-'));
    server = await startDownloadServer(BODY, { path: '/m.gguf' });
    providers = [];
    lines = [];
  });

  afterEach(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await server.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  it('logs present and missing models, and tells users what to do when the host cannot be reached', async () => {
    fs.writeFileSync(path.join(modelsDir, `here-${SHA.slice(0, 12)}.gguf`), BODY);
    const present = entry('here', `${server.url.replace('/m.gguf', '')}/here.gguf`);
    const missing = entry('gone', server.url);
    await server.close(); // the download host is down: every connection is refused
    const p = make();
    p.start([present, missing]);
    expect(messages(30)[0]).toBe(
      'local models: 1 present (here; checking their files), 1 missing (gone; downloaded on first use)',
    );
    await p.checked();

    const reason = unreachableReason(missing, server.url);
    expect(reason).toBe(
      "Cannot reach its download server to download Model gone. Check this server's internet access, " +
        "run `npm run models -- pull gone` on a machine that can and copy the file into this server's MODELS_DIR, " +
        'or point MODELS_FILE at a model server.',
    );
    expect(p.status(missing)).toEqual({ status: 'not-downloaded', reason });
    expect(p.status(present)).toEqual({ status: 'ready' });
    // The administrator gets the host and the cause.
    expect(messages(40)).toEqual([
      `cannot reach 127.0.0.1:${server.port} (ECONNREFUSED): gone cannot be downloaded from this server. ` +
        "Check this server's internet access, run npm run models -- pull <id> on a machine that can and copy " +
        'the files into MODELS_DIR, or point MODELS_FILE at a model server.',
    ]);
    expect(messages(30)).toContain('local model files checked: 1 match their pinned SHA-256');

    // A download on first use fails the same way, and says so in the same words.
    const error = await p
      .generate({
        model: missing,
        input: { style: 'text', prompt: renderCompletion('x', []) },
        params: { temperature: 0, topP: 1, maxTokens: 4, stop: [] },
        signal: new AbortController().signal,
      })
      .next()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ModelUnavailableError);
    const message = (error as Error).message;
    expect(message).toBe(
      "Download of Model gone failed: cannot reach its download server. Check this server's internet access, " +
        "run `npm run models -- pull gone` on a machine that can and copy the file into this server's MODELS_DIR, " +
        'or point MODELS_FILE at a model server.',
    );
    expect(p.status(missing)).toEqual({ status: 'not-downloaded', reason: message });
    expect(`${message} ${reason}`).not.toMatch(/127\.0\.0\.1|localhost|:\d{2,5}\b|https?:/);
  });

  it('asks each host once, without a reason when it answers', async () => {
    const base = server.url.replace('/m.gguf', '');
    const p = make();
    p.start([entry('a', server.url), entry('b', `${base}/other.gguf`)]);
    await p.checked();
    expect(server.requests).toEqual([
      expect.objectContaining({ method: 'HEAD', path: '/m.gguf', authorization: undefined }),
    ]);
    expect(p.status(entry('b', `${base}/other.gguf`))).toEqual({ status: 'not-downloaded' });
    expect(messages(30)).toContain(`download host 127.0.0.1:${server.port} answers: a, b can be downloaded`);
  });

  it('gives up on a host that accepts the connection but never answers, after the probe timeout', async () => {
    server.fault = { kind: 'no-answer' };
    const p = make(200);
    const missing = entry('slow', server.url);
    p.start([missing]);
    await p.checked();
    expect(p.status(missing).reason).toMatch(/^Cannot reach its download server to download Model slow\./);
    expect(lines.find((l) => l.level === 40)).toMatchObject({
      host: `127.0.0.1:${server.port}`,
      cause: 'no answer within 0.2 s',
    });
  });

  it('does not wait for the checks: start() returns before the probe is answered', async () => {
    server.fault = { kind: 'no-answer' };
    const p = make(60_000);
    const missing = entry('slow', server.url);
    p.start([missing]);
    expect(p.status(missing)).toEqual({ status: 'not-downloaded' });
    await expect.poll(() => server.requests.length).toBe(1);
    // close() stops the probe at once rather than after its minute.
    await p.close();
    expect(p.status(missing)).toEqual({ status: 'not-downloaded' });
  });
});

describe('reasons shown to users', () => {
  it('name huggingface.co, which users can check, but never an internal host', () => {
    const model = { id: 'qwen', name: 'Qwen' };
    expect(unreachableReason(model, 'https://huggingface.co/Qwen/x/resolve/abc/q.gguf')).toMatch(
      /^Cannot reach huggingface\.co to download Qwen\. Check this server's internet access, run `npm run models -- pull qwen`/,
    );
    const internal = 'https://models.corp.internal:8443/q.gguf';
    expect(unreachableReason(model, internal)).not.toContain('corp');
    const failures = [
      new ModelDownloadError(`Download of Qwen failed: ${internal} answered 404`, 'http-status', 404),
      new ModelDownloadError(`Download of Qwen failed: cannot reach ${internal}`, 'unreachable'),
      new ModelDownloadError('Download of Qwen failed: no data', 'timeout'),
      new ModelDownloadError('Download of Qwen failed: interrupted', 'interrupted'),
      new ModelDownloadError('Download of Qwen failed: x', 'size-mismatch'),
      new ModelDownloadError('Download of Qwen failed: x', 'sha256-mismatch'),
      Object.assign(new Error(`ENOSPC: no space left on device, open '/srv/models/q.gguf.part'`), {
        code: 'ENOSPC',
      }),
      new Error(`something at ${internal}`),
    ];
    const reasons = failures.map((f) => downloadFailedReason(model, internal, f));
    for (const reason of reasons) {
      expect(reason).toMatch(/^Download of Qwen failed: /);
      expect(reason).not.toMatch(/corp|8443|\/srv|https?:/);
    }
    expect(reasons[0]).toBe(
      "Download of Qwen failed: its download server answered 404: there is no such file (check the model's source in the catalogue).",
    );
    expect(reasons[6]).toBe(
      "Download of Qwen failed: this server's disk is full. Free some space and try again.",
    );
    expect(
      downloadFailedReason(
        model,
        'https://huggingface.co/o/r/resolve/abc/q.gguf',
        new ModelDownloadError('x', 'http-status', 401),
      ),
    ).toBe(
      'Download of Qwen failed: huggingface.co answered 401: the file needs access rights (for a gated Hugging Face model, accept its licence and set HF_TOKEN on this server).',
    );
  });
});
