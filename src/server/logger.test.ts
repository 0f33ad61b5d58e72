import { describe, expect, it } from 'vitest';
import { redactUrl, requestLogLevel, SLOW_REQUEST_MS } from './logger.js';

describe('redactUrl', () => {
  it('hides the values of secret query parameters and keeps the rest', () => {
    expect(redactUrl('/api/auth/reset-password/verify?token=abc123&x=1')).toBe(
      '/api/auth/reset-password/verify?token=[redacted]&x=1',
    );
    expect(redactUrl('/x?ACCESS_TOKEN=t&password=p&page=2')).toBe(
      '/x?ACCESS_TOKEN=[redacted]&password=[redacted]&page=2',
    );
    expect(redactUrl('/x?%74oken=abc')).toBe('/x?%74oken=[redacted]');
    // An invitation link (issue 14) opens the Register page with its single-use token.
    expect(redactUrl('/register?invitation=abc')).toBe('/register?invitation=[redacted]');
    expect(redactUrl('/api/admin/users?q=ada%40example.com&status=active')).toBe(
      '/api/admin/users?q=[redacted]&status=active',
    );
    expect(redactUrl('/plain/path')).toBe('/plain/path');
    expect(redactUrl('/x?flag')).toBe('/x?flag');
  });
});

describe('requestLogLevel', () => {
  it('puts 5xx answers at warn, slow requests at info and the rest at debug', () => {
    expect(requestLogLevel(500, 3, 'application/json')).toBe('warn');
    expect(requestLogLevel(503, 3, undefined)).toBe('warn');
    expect(requestLogLevel(200, SLOW_REQUEST_MS, 'application/json')).toBe('info');
    expect(requestLogLevel(404, SLOW_REQUEST_MS + 1, undefined)).toBe('info');
    expect(requestLogLevel(200, SLOW_REQUEST_MS - 1, 'application/json')).toBe('debug');
    expect(requestLogLevel(401, 2, 'application/json')).toBe('debug');
  });

  it('does not count a stream as slow: it lasts as long as its run', () => {
    expect(requestLogLevel(200, 60_000, 'text/event-stream; charset=utf-8')).toBe('debug');
    expect(requestLogLevel(500, 60_000, 'text/event-stream')).toBe('warn');
  });
});
