import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
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
