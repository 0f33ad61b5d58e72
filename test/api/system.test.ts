import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite.adapter.js';
import { startTestServer, TEST_SESSION_SECRET } from '../helpers/app.js';
import { apiClient } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';
import { logSink } from '../helpers/secrets.js';

const server = useTestServer({ name: 'system' });
const api = apiClient(() => server.url);

describe('GET /api/health', () => {
  it('answers 200 {status: ok} while the store answers', async () => {
    const res = await api.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 503 when the store does not', async () => {
    const other = await startTestServer({ name: 'health-down' });
    try {
      await other.store.close();
      const res = await apiClient(other.url).get('/api/health');
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('store_unavailable');
    } finally {
      await other.close();
    }
  });
});

describe('API documentation', () => {
  it('serves OpenAPI 3 describing every route', async () => {
    const res = await api.get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/api/health',
      '/api/auth/register',
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/me',
    ]) {
      expect(paths).toContain(p);
    }
    const register = res.body.paths['/api/auth/register'].post;
    expect(register.requestBody.content['application/json'].schema.properties).toHaveProperty('username');
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
  });

  it('serves the interactive docs', async () => {
    const res = await api.get('/api/docs/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(String(res.body)).toContain('swagger');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

describe('unknown API routes', () => {
  it('answer a JSON 404 in the error envelope', async () => {
    const res = await api.get('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'Not found.' } });
  });
});

describe('serving the web app', () => {
  const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-web-'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-webdata-'));
  afterAll(() => {
    fs.rmSync(webRoot, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers index.html for client-side routes and serves hashed assets with a long cache', async () => {
    fs.writeFileSync(
      path.join(webRoot, 'index.html'),
      '<!doctype html><title>CodeGenie</title><div id="root"></div>',
    );
    fs.mkdirSync(path.join(webRoot, 'assets'));
    fs.writeFileSync(path.join(webRoot, 'assets', 'app-abc123.js'), 'console.log(1)');
    const store = SqliteStore.open(path.join(dir, 'db.sqlite'));
    const app = await buildApp({
      config: loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'debug' }),
      store,
      sessionSecret: TEST_SESSION_SECRET,
      webRoot,
      logStream: logSink('web'),
    });
    try {
      for (const url of ['/', '/login', '/register', '/history?page=2', '/profile/']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        expect(res.body).toContain('<div id="root">');
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      }
      const reset = await app.inject({ method: 'GET', url: '/reset-password?token=abc' });
      expect(reset.statusCode).toBe(200);
      expect(reset.headers['referrer-policy']).toBe('no-referrer');
      const invited = await app.inject({ method: 'GET', url: '/register?invitation=abc' });
      expect(invited.headers['referrer-policy']).toBe('no-referrer');
      expect((await app.inject({ method: 'GET', url: '/login' })).headers['referrer-policy']).toBe(
        'strict-origin-when-cross-origin',
      );
      const asset = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      expect((await app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
      const api404 = await app.inject({ method: 'GET', url: '/api/missing' });
      expect(api404.statusCode).toBe(404);
      expect(api404.json()).toEqual({ error: { code: 'not_found', message: 'Not found.' } });
    } finally {
      await app.close();
      await store.close();
    }
  });
});
