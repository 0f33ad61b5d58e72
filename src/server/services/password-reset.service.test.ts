import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { StoreUnavailableError } from '../errors.js';
import type { MailService } from '../mail/mail.service.js';
import type { Store } from '../store/store.port.js';
import type { AccountDeps } from './account.deps.js';
import { PasswordResetService, type ResetEvent } from './password-reset.service.js';
import { useMemoryCounters } from '../../../test/helpers/counters.js';

const counters = useMemoryCounters();

/** A service on fakes: the store only answers lookups (no account), and records them. */
function setUp(limits = { maxPerEmailPerHour: 3, maxPerIpPerHour: 100 }) {
  const events: string[] = [];
  const audits: ResetEvent[] = [];
  const errors: unknown[] = [];
  const store = {
    counters: counters(),
    users: {
      findByEmail: async (email: string) => {
        events.push(`lookup ${email}`);
        if (email.startsWith('broken')) {
          throw new Error('store down');
        }
        return null;
      },
    },
  } as unknown as Store;
  const mail = { idle: async () => undefined } as unknown as MailService;
  const deps = { store, mail, clock: new ManualClock(0), appUrl: 'http://app' } as unknown as AccountDeps;
  const service = new PasswordResetService({
    ...deps,
    ttlMs: 3_600_000,
    limits,
    audit: (e) => audits.push(e),
    onBackgroundError: (error) => errors.push(error),
  });
  return { service, events, audits, errors };
}

const client = (ip: string) => ({ ip, userAgent: null });

describe('PasswordResetService.requestReset', () => {
  it('looks nothing up until the answer has been sent', async () => {
    const { service, events } = setUp();
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    service.requestReset('a@example.com', client('10.0.0.1'), answered);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    events.push('answered');
    answer();
    await service.settle();
    expect(events).toEqual(['answered', 'lookup a@example.com']);
  });

  it('counts the per-email quota per requesting source', async () => {
    const { service, events, audits, errors } = setUp();
    for (let i = 0; i < 5; i++) {
      service.requestReset('victim@example.com', client('198.51.100.7'));
    }
    await service.settle();
    expect(events).toHaveLength(3);
    expect(audits.filter((a) => a.event === 'reset_rate_limited')).toEqual([
      { event: 'reset_rate_limited', ip: '198.51.100.7', limit: 'email' },
      { event: 'reset_rate_limited', ip: '198.51.100.7', limit: 'email' },
    ]);
    service.requestReset('victim@example.com', client('203.0.113.5'));
    await service.settle();
    expect(events).toHaveLength(4);
    expect(errors).toEqual([]);
  });

  it('hands an error of the deferred work to onBackgroundError: logged, never unhandled', async () => {
    const { service, errors } = setUp();
    service.requestReset('broken@example.com', client('10.0.0.1'));
    await service.settle();
    expect(errors).toEqual([new Error('store down')]);
  });
});

describe('PasswordResetService.reset', () => {
  /**
   * A store whose password change fails once (a failover, a locked file):
   * the service must do nothing else of the reset then, and the same token
   * must complete it on the next try.
   */
  function setUpReset() {
    const events: string[] = [];
    const audits: ResetEvent[] = [];
    const user = { id: 'user-1', username: 'alice', email: 'alice@example.com', displayName: null };
    let failures = 1;
    const store = {
      passwordResets: {
        findByHash: async () => ({ userId: user.id, usedAt: null, expiresAt: new Date(3_600_000) }),
      },
      users: { findById: async () => user },
      credentials: {
        completeReset: async (tokenHash: string, passwordHash: string) => {
          if (failures-- > 0) {
            events.push('store failed');
            throw new StoreUnavailableError();
          }
          events.push(`reset ${passwordHash}`);
          return { userId: user.id, sessionsRevoked: 2 };
        },
      },
    } as unknown as Store;
    const deps = {
      store,
      clock: new ManualClock(0),
      appUrl: 'http://app',
      hasher: { hash: async (password: string) => `hash(${password})` },
      activity: { record: async (_id: string, kind: string) => void events.push(`activity ${kind}`) },
      mail: { enqueue: async ({ purpose }: { purpose: string }) => void events.push(`mail ${purpose}`) },
    } as unknown as AccountDeps;
    const service = new PasswordResetService({
      ...deps,
      ttlMs: 3_600_000,
      limits: { maxPerEmailPerHour: 3, maxPerIpPerHour: 100 },
      audit: (e) => audits.push(e),
      onBackgroundError: () => undefined,
    });
    return { service, events, audits };
  }

  it('does nothing else when the store fails, and the same token completes the reset next time', async () => {
    const { service, events, audits } = setUpReset();
    await expect(service.reset('token', 'a good new password', client('10.0.0.1'))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(events).toEqual(['store failed']);
    expect(audits).toEqual([]);
    await service.reset('token', 'a good new password', client('10.0.0.1'));
    expect(events).toEqual([
      'store failed',
      'reset hash(a good new password)',
      'activity password_reset',
      'mail password-changed',
    ]);
    expect(audits).toEqual([
      { event: 'password_reset', userId: 'user-1', ip: '10.0.0.1', sessionsRevoked: 2 },
    ]);
  });
});
