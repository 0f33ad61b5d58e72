import { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../clock.js';

const ISSUER = 'codegenie';

/** Verified tokens remembered (about 300 bytes each). */
const VERIFIED_MAX = 10_000;

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
  /**
   * Imported once: given the raw bytes, jose imports a WebCrypto key on every
   * sign and verify, a few per cent of an authenticated request (issue 13).
   */
  private readonly key: Promise<webcrypto.CryptoKey>;
  private readonly verified = new Map<string, { claims: TokenClaims; expiresAtMs: number }>();

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    this.key = webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
  }

  async sign(claims: TokenClaims, expiresAt: Date): Promise<string> {
    const now = this.clock.now();
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(claims.userId)
      .setJti(claims.sessionId)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(await this.key);
  }

  /** The claims of a valid token (read-only), or null for a forged, malformed or expired one. */
  async verify(token: string): Promise<Readonly<TokenClaims> | null> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > this.clock.now().getTime()) {
        return known.claims;
      }
      this.verified.delete(token);
      return null;
    }
    const claims = await this.verifySignature(token);
    if (claims) {
      // Frozen: the same object answers every later check of this token.
      this.remember(token, Object.freeze(claims.claims), claims.expiresAtMs);
      return claims.claims;
    }
    return null;
  }

  /**
   * Keeps a verified token's claims until its expiry: the same string was
   * checked once, so it needs no second HMAC. Verifying costs a WebCrypto
   * job on the thread pool, the largest part of an authenticated request
   * after the session lookup (issue 13). Revocation is unaffected: every
   * request still looks its session up in the store (which may answer from
   * memory, never stale; see SqliteSessions). At most VERIFIED_MAX tokens are
   * kept; the oldest goes first.
   */
  private remember(token: string, claims: TokenClaims, expiresAtMs: number): void {
    if (this.verified.size >= VERIFIED_MAX) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) {
        this.verified.delete(oldest.value);
      }
    }
    this.verified.set(token, { claims, expiresAtMs });
  }

  private async verifySignature(token: string): Promise<{ claims: TokenClaims; expiresAtMs: number } | null> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        // Pinning the algorithm refuses `alg: none` and algorithm confusion.
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || payload.exp === undefined) {
        return null;
      }
      return { claims: { userId: payload.sub, sessionId: payload.jti }, expiresAtMs: payload.exp * 1000 };
    } catch {
      return null;
    }
  }
}
