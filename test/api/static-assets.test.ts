import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';
import { TEST_SESSION_SECRET } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { logSink } from '../helpers/secrets.js';
import { readSse } from '../helpers/sse.js';
import { useTempDir } from '../helpers/suite.js';
import { useGenerateSuite } from './support/generate-suite.js';

/*
 * Bytes on the wire (issue 13): the build step writes brotli and gzip copies of the
 * assets, the server picks one by Accept-Encoding, hashed assets are cached for a
 * year and index.html is revalidated; API JSON above 1 KB is compressed on the fly,
 * server-sent events never are.
 */

const { upstream, server, session } = useGenerateSuite('static-assets');
const web = useTempDir('codegenie-web-bytes-');
const data = useTempDir('codegenie-webdata-bytes-');

/** What Chromium sends on every request. */
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Some JavaScript as a bundler writes it: repetitive enough to compress, large enough to be worth it. */
function sampleScript(lines: number): string {
  return Array.from(
    { length: lines },
    (_, i) => `export function step${i}(state){return{...state,count:state.count+${i},label:"step ${i}"}}`,
  ).join('\n');
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body exactly as it came over the socket (still encoded). */
  body: Buffer;
}

/** GET without any decoding, so the test sees the bytes a browser receives. */
function getRaw(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function decode(answer: RawAnswer): Buffer {
  switch (answer.headers['content-encoding']) {
    case 'br':
      return zlib.brotliDecompressSync(answer.body);
    case 'gzip':
      return zlib.gunzipSync(answer.body);
    case undefined:
      return answer.body;
    default:
      throw new Error(`unexpected content-encoding ${answer.headers['content-encoding']}`);
  }
}

describe('the build step (scripts/compress-assets.ts)', () => {
  let script: Buffer;
  beforeAll(async () => {
    const assets = path.join(web.path, 'assets');
    fs.mkdirSync(assets);
    fs.writeFileSync(
      path.join(web.path, 'index.html'),
      '<!doctype html><title>CodeGenie</title><script type="module" src="/assets/index-AbC123xy.js"></script><div id="root"></div>',
    );
    script = Buffer.from(sampleScript(400));
    fs.writeFileSync(path.join(assets, 'index-AbC123xy.js'), script);
    fs.writeFileSync(
      path.join(assets, 'index-AbC123xy.css'),
      `:root{--gap:4px}\n${'.row{display:flex;gap:var(--gap)}\n'.repeat(80)}`,
    );
    fs.writeFileSync(
      path.join(assets, 'index-AbC123xy.js.map'),
      JSON.stringify({ mappings: 'AAAA;'.repeat(2000) }),
    );
    fs.writeFileSync(path.join(assets, 'tiny-Zz9yY8xX.js'), 'export const a=1;');
    const run = await runCli('scripts/compress-assets.ts', [web.path]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('writes a brotli and a gzip copy of each script and stylesheet that decode to the same bytes', () => {
    for (const name of ['index-AbC123xy.js', 'index-AbC123xy.css']) {
      const file = path.join(web.path, 'assets', name);
      const original = fs.readFileSync(file);
      const br = fs.readFileSync(`${file}.br`);
      const gz = fs.readFileSync(`${file}.gz`);
      expect(zlib.brotliDecompressSync(br).equals(original), name).toBe(true);
      expect(zlib.gunzipSync(gz).equals(original), name).toBe(true);
      expect(br.length, name).toBeLessThan(gz.length);
      expect(gz.length, name).toBeLessThan(original.length);
    }
  });

  it('leaves out source maps (only developer tools load them) and files too small to gain', () => {
    const assets = fs.readdirSync(path.join(web.path, 'assets'));
    expect(assets.filter((name) => name.startsWith('index-AbC123xy.js.map'))).toEqual([
      'index-AbC123xy.js.map',
    ]);
    expect(assets.filter((name) => name.startsWith('tiny-'))).toEqual(['tiny-Zz9yY8xX.js']);
  });

  describe('served by the app', () => {
    let app: FastifyInstance;
    let store: SqliteStore;
    let base = '';
    beforeAll(async () => {
      store = SqliteStore.open(path.join(data.path, 'db.sqlite'));
      app = await buildApp({
        config: loadConfig({ DATA_DIR: data.path, LOG_LEVEL: 'debug' }),
        store,
        sessionSecret: TEST_SESSION_SECRET,
        webRoot: web.path,
        logStream: logSink('static-assets-web'),
      });
      base = await app.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      await app.close();
      await store.close();
    });

    it('answers Accept-Encoding: br with the brotli copy, cached for a year', async () => {
      const res = await getRaw(`${base}/assets/index-AbC123xy.js`, { 'accept-encoding': 'br' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('br');
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers['cache-control']).toBe(IMMUTABLE);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.body.length).toBeLessThan(script.length / 4);
      expect(decode(res).equals(script)).toBe(true);
    });

    it('answers Accept-Encoding: gzip with the gzip copy', async () => {
      const res = await getRaw(`${base}/assets/index-AbC123xy.js`, { 'accept-encoding': 'gzip' });
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['cache-control']).toBe(IMMUTABLE);
      expect(res.body.length).toBeLessThan(script.length / 4);
      expect(decode(res).equals(script)).toBe(true);
    });

    it("prefers brotli when the browser takes both, as Chromium's header says", async () => {
      const res = await getRaw(`${base}/assets/index-AbC123xy.css`, { 'accept-encoding': BROWSER_ENCODINGS });
      expect(res.headers['content-encoding']).toBe('br');
      expect(res.headers['content-type']).toMatch(/text\/css/);
      expect(decode(res).equals(fs.readFileSync(path.join(web.path, 'assets', 'index-AbC123xy.css')))).toBe(
        true,
      );
    });

    it('answers the file as is without Accept-Encoding', async () => {
      const res = await getRaw(`${base}/assets/index-AbC123xy.js`);
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['cache-control']).toBe(IMMUTABLE);
      expect(res.body.equals(script)).toBe(true);
    });

    it('never lets a browser keep index.html without asking again', async () => {
      for (const url of ['/', '/login', '/index.html']) {
        const res = await getRaw(`${base}${url}`, { 'accept-encoding': BROWSER_ENCODINGS });
        expect(res.status, url).toBe(200);
        expect(res.headers['cache-control'], url).toBe('no-cache');
        expect(decode(res).toString(), url).toContain('/assets/index-AbC123xy.js');
      }
    });
  });
});

describe('API answers', () => {
  it('compresses JSON above 1 KB for a client that accepts it, and decodes to the same answer', async () => {
    const plain = await getRaw(`${server.url}/api/openapi.json`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    for (const encoding of ['br', 'gzip']) {
      const res = await getRaw(`${server.url}/api/openapi.json`, { 'accept-encoding': encoding });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.body.length).toBeLessThan(plain.body.length / 3);
      expect(JSON.parse(decode(res).toString())).toEqual(JSON.parse(plain.body.toString()));
    }
  });

  it('sends small JSON as is: compressing it would cost more than it saves', async () => {
    const res = await getRaw(`${server.url}/api/health`, { 'accept-encoding': BROWSER_ENCODINGS });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: 'ok' });
  });

  // A compressor holds bytes back until it has enough to pack: a compressed stream would
  // deliver the tokens late, in bursts. The model stalls after two words, so the two token
  // events can only arrive if each was sent on its own, while the stream is still open.
  it('never compresses a server-sent event stream, which still arrives event by event', async () => {
    upstream.script([{ type: 'answer', text: 'alpha beta gamma delta', stallAfterChunks: 2 }]);
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/generate`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'accept-encoding': BROWSER_ENCODINGS,
        authorization: `Bearer ${session.token}`,
      },
      body: JSON.stringify({ prompt: 'stream me' }),
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('content-encoding')).toBeNull();
    const events = await readSse(res, (_e, all) => {
      if (all.filter((x) => x.event === 'token').length === 2) {
        controller.abort();
        return true;
      }
      return undefined;
    });
    expect(
      events
        .filter((e) => e.event === 'token')
        .map((e) => e.data.text as string)
        .join(''),
    ).toMatch(/^alpha/);
    await upstream.requests[0]?.ended;
  });
});
