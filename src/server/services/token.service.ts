import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../clock.js';

const ISSUER = 'codegenie';

/** What a valid session token carries. */
export interface TokenClaims {
  /** User id (`sub`). */
  userId: string;
  /** Session id (`jti`). */
  sessionId: string;
}

/**
 * Signs and verifies session tokens: JWT, HS256 only, with the 256-bit
 * session secret. The token is only a reference; the session record decides
 * whether it is still valid (so it can be revoked).
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: TokenClaims, expiresAt: Date): Promise<string> {
    const now = this.clock.now();
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(claims.userId)
      .setJti(claims.sessionId)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
  }

  /** The claims of a valid token, or null for a forged, malformed or expired one. */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        // Pinning the algorithm refuses `alg: none` and algorithm confusion.
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') {
        return null;
      }
      return { userId: payload.sub, sessionId: payload.jti };
    } catch {
      return null;
    }
  }
}
