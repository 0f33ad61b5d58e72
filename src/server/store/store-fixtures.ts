import { randomUUID } from 'node:crypto';
import type { NewUser, SessionRecord } from './store.port.js';
import type { UserAccess } from './admin.port.js';

/** A fixed instant the contract suites build their records around. */
export const T0 = new Date('2026-01-01T00:00:00.000Z');

/**
 * A valid new user with unique username and email, an active `user` (set
 * explicitly, so the store's first-account-is-admin rule does not apply).
 */
export function fixtureUser(overrides: Partial<NewUser> = {}): NewUser & UserAccess {
  const tag = randomUUID().slice(0, 8);
  return {
    id: randomUUID(),
    username: `user_${tag}`,
    email: `user_${tag}@example.com`,
    displayName: null,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    createdAt: T0,
    role: 'user',
    status: 'active',
    lastSignInAt: null,
    ...overrides,
  };
}

/** A live session of `userId`. */
export function fixtureSession(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: randomUUID(),
    userId,
    createdAt: T0,
    lastUsedAt: T0,
    expiresAt: new Date(T0.getTime() + 7 * 86_400_000),
    ip: '127.0.0.1',
    userAgent: 'contract-test',
    ...overrides,
  };
}
