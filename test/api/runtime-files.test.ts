import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pyodideDir } from '../../src/server/plugins/runtime.plugin.js';
import { PYODIDE_VERSION } from '../../src/shared/run.js';
import { useTempDir, useTestServer } from '../helpers/suite.js';

/*
 * Run code (issue 15): the runner's files come from the app itself. Pyodide's
 * from node_modules under a versioned path, cached for a year; all of them
 * loadable by the sandbox's opaque origin (CORS, cross-origin resource
 * policy); the sandbox page under its own CSP, framed by the app only.
 */

const web = useTempDir('codegenie-web-runtime-');
const SOURCE = path.resolve(import.meta.dirname, '../../src/web/public/runtime');
const APP_URL = 'https://codegenie.example';

describe('runtime files', () => {
  // A web root of its own: a page, and the runtime files as the web build ships them.
  const server = useTestServer(() => {
    fs.writeFileSync(path.join(web.path, 'index.html'), '<!doctype html><title>app</title>');
    fs.cpSync(SOURCE, path.join(web.path, 'runtime'), { recursive: true });
    return { name: 'runtime-files', web: web.path, env: { APP_URL } };
  });

  const pyodideUrl = (file: string, version = PYODIDE_VERSION) =>
    `${server.url}/runtime/pyodide/${version}/${file}`;

  it('serves the WebAssembly runtime as application/wasm, byte for byte, cached for a year, loadable cross-origin', async () => {
    const res = await fetch(pyodideUrl('pyodide.asm.wasm'), { headers: { 'accept-encoding': 'identity' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/wasm');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(fs.readFileSync(path.join(pyodideDir(), 'pyodide.asm.wasm')))).toBe(true);
  });

  it.each([
    ['pyodide.js', /^text\/javascript/],
    ['pyodide.asm.js', /^text\/javascript/],
    ['python_stdlib.zip', /^application\/zip/],
    ['pyodide-lock.json', /^application\/json/],
  ])('serves %s with its type', async (file, type) => {
    const res = await fetch(pyodideUrl(file));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    await res.arrayBuffer();
  });

  it('serves nothing else of the package, and no other version', async () => {
    for (const url of [
      pyodideUrl('package.json'),
      pyodideUrl('README.md'),
      pyodideUrl('..%2Fpackage.json'),
      pyodideUrl('pyodide.asm.wasm', '0.0.1'),
    ]) {
      const res = await fetch(url);
      expect(res.status, url).toBe(404);
      await res.arrayBuffer();
    }
  });

  it('sends the sandbox page under its own CSP: runtime scripts, WebAssembly, no eval, network only to the runtime, framed by the app', async () => {
    const res = await fetch(`${server.url}/runtime/sandbox.html`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp.split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    const origins = `${APP_URL} ${server.url}`;
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe(
      `${APP_URL}/runtime/ ${server.url}/runtime/ blob: 'wasm-unsafe-eval'`,
    );
    expect(directives.get('connect-src')).toBe(`${APP_URL}/runtime/pyodide/ ${server.url}/runtime/pyodide/`);
    expect(directives.get('worker-src')).toBe('blob:');
    expect(directives.get('frame-ancestors')).toBe(origins);
    expect(csp).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
    // The app's pages refuse any framing; the sandbox page is framed by the app.
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    await res.text();

    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
    await page.text();
  });

  it('serves the sandbox scripts to the opaque origin, revalidated on every load', async () => {
    for (const file of ['sandbox.js', 'run-worker.js']) {
      const res = await fetch(`${server.url}/runtime/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      await res.text();
    }
  });
});
