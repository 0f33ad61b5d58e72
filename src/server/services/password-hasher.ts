import argon2 from 'argon2';

/** argon2id cost parameters. */
export interface HashParams {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet minimum for argon2id: m = 19 MiB, t = 2, p = 1. */
export const OWASP_ARGON2ID: HashParams = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

/**
 * Hashes and verifies passwords with argon2id. The native binding runs on
 * libuv's thread pool, so hashing never blocks the event loop.
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly params: HashParams = OWASP_ARGON2ID) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  /** False for a wrong password and for a malformed hash. */
  async verify(hash: string, password: string): Promise<boolean> {
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
    this.dummyHash ??= this.hash('codegenie-dummy-password-for-timing');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
