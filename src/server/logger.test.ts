import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('hides the values of secret query parameters and keeps the rest', () => {
    expect(redactUrl('/api/auth/reset-password/verify?token=abc123&x=1')).toBe(
      '/api/auth/reset-password/verify?token=[redacted]&x=1',
    );
    expect(redactUrl('/x?ACCESS_TOKEN=t&password=p&page=2')).toBe(
      '/x?ACCESS_TOKEN=[redacted]&password=[redacted]&page=2',
    );
    expect(redactUrl('/x?%74oken=abc')).toBe('/x?%74oken=[redacted]');
    expect(redactUrl('/plain/path')).toBe('/plain/path');
    expect(redactUrl('/x?flag')).toBe('/x?flag');
  });
});
