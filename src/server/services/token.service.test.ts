import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { TokenService } from './token.service.js';

const SECRET = 'token-test-secret-0123456789abcdef0123456789';
const claims = { userId: 'user-1', sessionId: 'session-1' };

describe('TokenService', () => {
  it('verifies its own token again after remembering it, until the token expires', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const tokens = new TokenService(SECRET, clock);
    const token = await tokens.sign(claims, new Date(clock.now().getTime() + 60_000));
    expect(await tokens.verify(token)).toEqual(claims);
    expect(await tokens.verify(token)).toEqual(claims);
    clock.advance(59_000);
    expect(await tokens.verify(token)).toEqual(claims);
    clock.advance(1_000);
    expect(await tokens.verify(token)).toBeNull();
    // A fresh service, with nothing remembered, agrees: the token has expired.
    expect(await new TokenService(SECRET, clock).verify(token)).toBeNull();
  });

  it('hands out read-only claims: a caller cannot change the next answer', async () => {
    const clock = new ManualClock();
    const tokens = new TokenService(SECRET, clock);
    const token = await tokens.sign(claims, new Date(clock.now().getTime() + 60_000));
    const first = await tokens.verify(token);
    expect(() => {
      (first as { userId: string }).userId = 'someone-else';
    }).toThrow(TypeError);
    expect(await tokens.verify(token)).toEqual(claims);
  });

  it('refuses a token signed with another secret, a tampered one and one with another algorithm', async () => {
    const clock = new ManualClock();
    const tokens = new TokenService(SECRET, clock);
    const expiresAt = new Date(clock.now().getTime() + 60_000);
    const good = await tokens.sign(claims, expiresAt);
    expect(await tokens.verify(good)).toEqual(claims);

    const other = await new TokenService(`${SECRET}-other`, clock).sign(claims, expiresAt);
    expect(await tokens.verify(other)).toBeNull();
    const [header, , signature] = good.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ sub: 'admin', jti: 'session-1', iss: 'codegenie' }),
    ).toString('base64url');
    expect(await tokens.verify(`${header}.${forgedPayload}.${signature}`)).toBeNull();
    const hs512 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuer('codegenie')
      .setSubject(claims.userId)
      .setJti(claims.sessionId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(new TextEncoder().encode(SECRET));
    expect(await tokens.verify(hs512)).toBeNull();
    // Refusals are not remembered as successes: the good token still works, the forged one still fails.
    expect(await tokens.verify(other)).toBeNull();
    expect(await tokens.verify(good)).toEqual(claims);
  });
});
