import { describe, expect, it } from 'vitest';
import { apiClient, newAccount } from '../helpers/http.js';
import { useTestServer } from '../helpers/suite.js';
import { secret } from '../helpers/secrets.js';
import { MESSAGES } from '../../src/shared/messages.js';

const server = useTestServer({ name: 'register' });
const api = apiClient(() => server.url);

describe('POST /api/auth/register', () => {
  it('creates the account: 201 with the user, email lower-cased, no hash', async () => {
    const a = newAccount();
    const res = await api.post('/api/auth/register', {
      ...a,
      email: `  ${a.email.toUpperCase()} `,
      displayName: 'Ada Lovelace',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: {
        id: expect.any(String),
        username: a.username,
        email: a.email,
        displayName: 'Ada Lovelace',
        role: expect.stringMatching(/^(admin|user)$/),
        status: 'active',
        createdAt: expect.any(String),
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|hash|password/i);
    const stored = await server.store.users.findByUsername(a.username);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('refuses a taken username, in any case, with the original message', async () => {
    const a = newAccount();
    expect((await api.post('/api/auth/register', a)).status).toBe(201);
    const res = await api.post('/api/auth/register', {
      ...newAccount(),
      username: a.username.toUpperCase(),
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: 'conflict',
      message: 'Username already exists. Please choose a different one.',
      details: { fields: { username: MESSAGES.usernameTaken } },
    });
  });

  it('refuses a taken email, in any case', async () => {
    const a = newAccount();
    expect((await api.post('/api/auth/register', a)).status).toBe(201);
    const res = await api.post('/api/auth/register', { ...newAccount(), email: a.email.toUpperCase() });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('Email already exists. Please choose a different one.');
    expect(res.body.error.details.fields).toHaveProperty('email');
  });

  it.each([
    ['username too short', { username: 'ab' }, 'username'],
    ['username too long', { username: 'a'.repeat(33) }, 'username'],
    ['username with a space', { username: 'bad name' }, 'username'],
    ['username with a slash', { username: 'bad/name' }, 'username'],
    ['invalid email', { email: 'not-an-email' }, 'email'],
    ['email with CR/LF', { email: 'a@example.com\r\nBcc: x@example.com' }, 'email'],
    ['password of 7 characters', { password: '7chars!' }, 'password'],
    ['password of 129 characters', { password: 'x'.repeat(129) }, 'password'],
    ['a common password', { password: 'password1' }, 'password'],
    ['a common password in capitals', { password: 'ILOVEYOU1' }, 'password'],
    ['empty display name', { displayName: '   ' }, 'displayName'],
    ['operator object as username', { username: { $ne: null } }, 'username'],
    ['number as password', { password: 12345678 }, 'password'],
    ['unknown field', { isAdmin: true }, 'isAdmin'],
  ])('refuses %s with 400 naming the field', async (_label, override, field) => {
    const body = { ...newAccount(), ...override };
    const res = await api.post('/api/auth/register', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(Object.keys(res.body.error.details.fields)).toContain(field);
    if (typeof body.username === 'string') {
      expect(await server.store.users.findByUsername(body.username)).toBeNull();
    }
  });

  it('refuses a password equal to the username or the email', async () => {
    const a = newAccount('samepw');
    const asUsername = await api.post('/api/auth/register', {
      ...a,
      password: secret(a.username.toUpperCase()),
    });
    expect(asUsername.status).toBe(400);
    expect(asUsername.body.error.details.fields.password).toMatch(/username/);
    const asEmail = await api.post('/api/auth/register', { ...a, password: a.email });
    expect(asEmail.status).toBe(400);
    expect(asEmail.body.error.details.fields.password).toMatch(/email/);
  });

  it('accepts passwords of exactly 8 and 128 characters, counted as people count them', async () => {
    expect(
      (await api.post('/api/auth/register', { ...newAccount(), password: secret('Zq8#mL2v') })).status,
    ).toBe(201);
    expect(
      (await api.post('/api/auth/register', { ...newAccount(), password: secret('Zq8#'.repeat(32)) })).status,
    ).toBe(201);
    // 8 emoji are 16 UTF-16 units but 8 characters.
    expect(
      (await api.post('/api/auth/register', { ...newAccount(), password: secret('🦊🐙🦉🐳🦊🐙🦉🐳') }))
        .status,
    ).toBe(201);
  });

  it('answers 415 for text/plain, form and multipart bodies', async () => {
    const a = newAccount();
    for (const [type, raw] of [
      ['text/plain', JSON.stringify(a)],
      ['application/x-www-form-urlencoded', `username=${a.username}&email=${a.email}&password=x`],
      [
        'multipart/form-data; boundary=xyz',
        `--xyz\r\nContent-Disposition: form-data; name="username"\r\n\r\n${a.username}\r\n--xyz--\r\n`,
      ],
    ] as const) {
      const res = await api.post('/api/auth/register', undefined, { raw, headers: { 'content-type': type } });
      expect(res.status, type).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
    }
    expect(await server.store.users.findByUsername(a.username)).toBeNull();
  });

  it('answers 413 for a body over 1 MiB and 400 for malformed JSON', async () => {
    const big = await api.post('/api/auth/register', {
      ...newAccount(),
      displayName: 'x'.repeat(1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const bad = await api.post('/api/auth/register', undefined, {
      raw: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(MESSAGES.invalidJson);
    const empty = await api.post('/api/auth/register', undefined, {
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
  });

  it('leaves an existing account untouched when a conflicting registration is refused', async () => {
    const a = newAccount();
    await api.post('/api/auth/register', a);
    const before = await server.store.users.findByUsername(a.username);
    await api.post('/api/auth/register', { ...a, password: secret('another Secret pass 42') });
    expect(await server.store.users.findByUsername(a.username)).toEqual(before);
    const login = await api.post('/api/auth/login', { username: a.username, password: a.password });
    expect(login.status).toBe(200);
  });
});
