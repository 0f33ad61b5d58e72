import { describe, expect, it } from 'vitest';
import { passwordChangedMail, resetLinkMail } from './account.templates.js';
import { escapeHtml } from './layout.js';

describe('mail templates', () => {
  it('builds the reset mail with a text and an HTML part, the link, the lifetime and the product name', () => {
    const link = 'https://code.example.com/reset-password?token=abc_DEF-123';
    const m = resetLinkMail({ email: 'ada@example.com', name: 'Ada' }, link, 60);
    expect(m.to).toBe('ada@example.com');
    expect(m.subject).toBe('Reset your CodeGenie password');
    expect(m.text).toContain(link);
    expect(m.text).toContain('expires in 60 minutes');
    expect(m.html).toContain(`href="${link}"`);
    expect(m.html).toContain('CodeGenie');
    // No tracking: no images, no remote resources, no other links than the one given.
    expect(m.html).not.toMatch(/<img|<link|<script|url\(/i);
    expect(m.html.match(/https?:\/\/[^\s"<]+/g)?.every((u) => u === link)).toBe(true);
  });

  it('escapes names in the HTML part', () => {
    const m = passwordChangedMail(
      { email: 'x@example.com', name: '<script>alert(1)</script>' },
      'https://code.example.com',
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;');
    expect(m.text).toContain('Fri, 02 Jan 2026 03:04:05 GMT');
    expect(m.html).toContain('https://code.example.com/forgot-password');
  });

  it('escapes all five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
