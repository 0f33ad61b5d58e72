import argon2 from 'argon2';
import { HashLimiter, type HashLimits } from './hash-limiter.js';

/** argon2id cost parameters. */
export interface HashParams {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet minimum for argon2id: m = 19 MiB, t = 2, p = 1. */
export const OWASP_ARGON2ID: HashParams = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

/** Without settings: one core left free for the event loop, at most 32 waiting. */
export const DEFAULT_HASH_LIMITS: HashLimits = { concurrency: 1, queueMax: 32 };

/**
 * Hashes and verifies passwords with argon2id. The native binding runs on
 * libuv's thread pool, so hashing never blocks the event loop; the limiter
 * keeps it from taking every core (HASH_CONCURRENCY) and bounds the wait
 * (HASH_QUEUE_MAX: beyond it, 503 `busy`).
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;
  private readonly limiter: HashLimiter;

  constructor(
    private readonly params: HashParams = OWASP_ARGON2ID,
    limits: HashLimits = DEFAULT_HASH_LIMITS,
  ) {
    this.limiter = new HashLimiter(limits);
  }

  /** Hashes and verifications running now and waiting for a turn. */
  get load(): { active: number; queued: number } {
    return this.limiter.load;
  }

  /** Throws HashingBusyError when too many hashes are already waiting. */
  hash(password: string): Promise<string> {
    return this.limiter.run(() => this.argon2Hash(password));
  }

  /** False for a wrong password and for a malformed hash; throws HashingBusyError like `hash`. */
  verify(hash: string, password: string): Promise<boolean> {
    return this.limiter.run(() => this.argon2Verify(hash, password));
  }

  /** One argon2id hash, inside the limiter (a test subclass may hold it). */
  protected argon2Hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  /** One argon2 verification, inside the limiter. */
  protected async argon2Verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** True when `hash` was made with other parameters than the current ones. */
  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, this.params);
    } catch {
      return true;
    }
  }

  /**
   * Verifies against a fixed hash made with the current parameters, so a
   * sign-in for an unknown user costs the same time as a wrong password.
   */
  async verifyDummy(password: string): Promise<false> {
    // A refusal (queue full) is not kept: the next sign-in makes the hash.
    this.dummyHash ??= this.hash('codegenie-dummy-password-for-timing').catch((error: unknown) => {
      this.dummyHash = undefined;
      throw error;
    });
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
