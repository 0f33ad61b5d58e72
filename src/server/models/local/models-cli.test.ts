import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedLocalModel } from '../../../../test/helpers/catalogue.js';
import { runCli, spawnCli, type CliRun } from '../../../../test/helpers/cli.js';
import { startDownloadServer, type DownloadServer } from '../../../../test/helpers/download-server.js';
import { writeTinyGguf } from '../../../../test/helpers/tiny-gguf.js';

const MODELS_CLI = 'src/server/cli/models.ts';

/** `npm run models -- ...` (src/server/cli/models.ts) as an operator runs it. */
describe('npm run models', () => {
  let dir: string;
  let body: Buffer;
  let server: DownloadServer;
  let env: NodeJS.ProcessEnv;

  let pinned: string;

  const models = (...args: string[]): Promise<CliRun> => modelsWith({}, ...args);
  const modelsWith = (withEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> =>
    runCli(MODELS_CLI, args, { env: { ...env, ...withEnv } });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'models-cli-'));
    const source = path.join(dir, 'source.gguf');
    writeTinyGguf(source, { seed: 5 });
    body = fs.readFileSync(source);
    // Downloads are stored under a name pinned to their sha256.
    pinned = `tiny-coder-${createHash('sha256').update(body).digest('hex').slice(0, 12)}.gguf`;
    server = await startDownloadServer(body, { path: '/files/tiny-coder.gguf' });
    const catalogue = {
      defaultModel: 'tiny',
      models: [
        pinnedLocalModel('tiny', 'Tiny Coder', server.url, body),
        {
          id: 'later',
          name: 'Later Coder',
          provider: 'local',
          format: 'chatml',
          source: server.url.replace('tiny-coder', 'later'),
          size: 874_000_000,
          sha256: 'ab'.repeat(32),
        },
        {
          id: 'remote',
          name: 'Remote Coder',
          provider: 'openai-compatible',
          format: 'chat',
          baseUrl: 'http://127.0.0.1:9/v1',
          model: 'coder',
        },
      ],
    };
    fs.writeFileSync(path.join(dir, 'models.json'), JSON.stringify(catalogue));
    env = {
      DATA_DIR: path.join(dir, 'data'),
      MODELS_FILE: path.join(dir, 'models.json'),
      LOG_LEVEL: 'silent',
      HF_TOKEN: '',
    };
  });

  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints usage: exit 0 when asked, 2 for a wrong command', async () => {
    const help = await models();
    expect(help.code).toBe(0);
    expect(help.stderr).toContain('pull <id>');
    expect((await models('pull')).code).toBe(2);
    expect((await models('fetch', 'tiny')).code).toBe(2);
  });

  it('pulls a model with a progress bar, resuming an interrupted download', async () => {
    server.fault = { kind: 'cut', afterBytes: 150_000 };
    const cut = await models('pull', 'tiny');
    expect(cut.code).toBe(1);
    // The server sent 150000 bytes; the client keeps those it had read when the connection closed.
    const kept = fs.statSync(path.join(dir, 'data', 'models', `${pinned}.part`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(150_000);
    expect(cut.stderr).toContain(
      `Download of Tiny Coder failed: interrupted after ${kept} of ${body.length} bytes`,
    );

    server.fault = { kind: 'none' };
    const done = await models('pull', 'tiny');
    expect(done.code).toBe(0);
    const file = path.join(dir, 'data', 'models', pinned);
    expect(done.stdout.trim()).toBe(file);
    expect(done.stderr).toContain(`Resuming at ${(kept / 1_048_576).toFixed(1)} MB`);
    expect(done.stderr).toMatch(/\[#{30}\] 100% {2}0\.\d\/0\.\d MB {2}\d+\.\d MB\/s/);
    expect(done.stderr).toContain('Tiny Coder is ready.');
    expect(server.requests.filter((r) => r.method === 'GET').at(-1)?.range).toBe(`bytes=${kept}-`);
    expect(fs.readFileSync(file).equals(body)).toBe(true);

    const again = await models('pull', 'tiny');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already downloaded');
  });

  it('fails clearly for an unknown or remote model', async () => {
    const unknown = await models('pull', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no model "nope"');
    const remote = await models('pull', 'remote');
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain('nothing to download');
  });

  it('lists every model with its status', async () => {
    const out = await models('list');
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(
        `^tiny \\*\\s+Tiny Coder\\s+ready\\s+${pinned.replace(/\./g, '\\.')}, matches its pinned SHA-256$`,
      ),
    );
    expect(lines[1]).toMatch(/^later\s+Later Coder\s+not-downloaded\s+833\.5 MB to download$/);
    expect(lines[2]).toMatch(/^remote\s+Remote Coder\s+remote\s+served by http:\/\/127\.0\.0\.1:9\/v1$/);
  });

  it('checks files already in MODELS_DIR: adopts an earlier download, replaces a wrong file', async () => {
    const models2 = path.join(dir, 'data2', 'models');
    fs.mkdirSync(models2, { recursive: true });
    const env2 = { DATA_DIR: path.join(dir, 'data2') };
    // Downloaded by an earlier version, under the plain name.
    fs.writeFileSync(path.join(models2, 'tiny-coder.gguf'), body);
    const getsBefore = server.requests.filter((r) => r.method === 'GET').length;

    const listed = await modelsWith(env2, 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(
      /^tiny \*\s+Tiny Coder\s+ready\s+tiny-coder-[0-9a-f]{12}\.gguf/,
    );
    expect(fs.readdirSync(models2).sort()).toEqual([pinned, `${pinned}.verified.json`]);

    // Someone copies another file over it by hand.
    fs.writeFileSync(path.join(models2, pinned), Buffer.alloc(body.length, 7));
    const pulled = await modelsWith(env2, 'pull', 'tiny');
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toContain(
      `${pinned} in MODELS_DIR did not match the catalogue's pin and was deleted; downloading the right file.`,
    );
    expect(pulled.stderr).toContain('Tiny Coder is ready.');
    expect(fs.readFileSync(path.join(models2, pinned)).equals(body)).toBe(true);
    expect(server.requests.filter((r) => r.method === 'GET').length).toBe(getsBefore + 1);

    const again = await modelsWith(env2, 'pull', 'tiny');
    expect(again.stderr).toContain(
      "Tiny Coder is already downloaded, and its file matches the catalogue's pin.",
    );
    expect(again.stdout.trim()).toBe(path.join(models2, pinned));
  });

  it('keeps the partial file on Ctrl-C and says how to resume', async () => {
    server.fault = { kind: 'stall', afterBytes: 100_000 };
    const dataDir = path.join(dir, 'data-interrupted');
    const part = path.join(dataDir, 'models', `${pinned}.part`);
    const { child, result } = spawnCli(MODELS_CLI, ['pull', 'tiny'], { env: { ...env, DATA_DIR: dataDir } });
    try {
      // The download is under way, then stalls with bytes on disk.
      await expect
        .poll(() => (fs.existsSync(part) ? fs.statSync(part).size : 0), { timeout: 20_000 })
        .toBeGreaterThan(0);
      child.kill('SIGINT');
      const { code, stderr } = await result;
      expect(code).not.toBe(0);
      expect(stderr).toContain('Interrupted. Run the same command again to resume.');
      expect(fs.statSync(part).size).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
      server.fault = { kind: 'none' };
    }
  });
});
