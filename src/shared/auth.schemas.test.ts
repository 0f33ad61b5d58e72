import { describe, expect, it } from 'vitest';
import { displayNameSchema, registerBodySchema, usernameSchema } from './auth.schemas.js';

const CONTROL_AND_BIDI = [
  '\u0000',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009f',
  '\u061c',
  '\u200e',
  '\u200f',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
];

describe('names: one rule for usernames and display names', () => {
  it.each(CONTROL_AND_BIDI.map((c) => [c.codePointAt(0)?.toString(16).padStart(4, '0') ?? '', c]))(
    'refuses U+%s inside, at the start and at the end (never trimmed away)',
    (_code, c) => {
      for (const value of [`Ann${c}Lee`, `${c}Ann`, `Ann${c}`]) {
        const display = displayNameSchema.safeParse(value);
        expect(display.success).toBe(false);
        expect(display.error?.issues[0]?.message).toBe(
          'Display name cannot contain line breaks, control characters or text-direction marks.',
        );
        const username = usernameSchema.safeParse(value.replace('Ann', 'ann').replace('Lee', 'lee'));
        expect(username.success).toBe(false);
        expect(username.error?.issues.map((i) => i.message)).toContain(
          'Username cannot contain line breaks, control characters or text-direction marks.',
        );
      }
    },
  );

  it('keeps names in any script, trimmed of ordinary spaces', () => {
    expect(displayNameSchema.parse('  Zoë Ångström ')).toBe('Zoë Ångström');
    expect(displayNameSchema.parse('محمد عبد الله')).toBe('محمد عبد الله');
    expect(displayNameSchema.parse('山田 太郎 🎉')).toBe('山田 太郎 🎉');
    expect(usernameSchema.parse(' grace.hopper ')).toBe('grace.hopper');
  });

  it('says an empty or overlong invitation token is not a valid link', () => {
    const body = { username: 'ann', email: 'ann@example.com', password: 'a long enough password' };
    for (const invitation of ['', '   ', 'x'.repeat(257)]) {
      const result = registerBodySchema.safeParse({ ...body, invitation });
      expect(result.error?.issues.map((i) => i.message)).toEqual(['The invitation link is not valid.']);
    }
  });
});
