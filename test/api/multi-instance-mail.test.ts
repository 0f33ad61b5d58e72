import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient, registerAndLogin } from '../helpers/http.js';
import { logLines, useServerProcesses, type ServerProcess } from '../helpers/server-process.js';
import { readSqliteRow } from '../helpers/sqlite-read.js';
import { useSmtpServer, useTempDir } from '../helpers/suite.js';

/**
 * Issue 14, "many instances on one store": the queued mail goes out once.
 * Two real server processes on one SQLite file run the outbox sender; a
 * reset mail queued while the mail server is down is due on both, and a
 * claim in the store lets only one of them send it.
 */
const servers = useServerProcesses();
const dir = useTempDir('codegenie-multi-mail-');
const smtp = useSmtpServer();

/** The JSON log lines of a server process with this message. */
const logged = (server: ServerProcess, message: string) => logLines(server).filter((l) => l.msg === message);

/** The mail the outbox still holds, as the SQLite file has it (read-only). */
function outboxSize(file: string): number {
  return Number(readSqliteRow(file, 'SELECT count(*) AS n FROM outbox')?.n ?? -1);
}

describe('the mail outbox on two instances sharing one store', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let file: string;
  beforeAll(async () => {
    // The mail server is down at first: every try fails until it is up.
    smtp.mode = 'drop';
    ({
      servers: [a, b],
      file,
    } = await servers.startOnOneStore(dir.path, ['mail-instance-a', 'mail-instance-b'], {
      env: { SMTP_URL: smtp.url },
    }));
  });

  it('sends a queued reset mail once, though both instances find it due and both sender jobs run', async () => {
    const first = await registerAndLogin(apiClient(a.url));
    const second = await registerAndLogin(apiClient(b.url));
    const to = (who: typeof first) => smtp.messages.filter((m) => m.envelopeTo.includes(who.account.email));

    // Asked on A while the mail server is down: the first try fails and the mail waits in the store.
    expect(
      (await apiClient(a.url).post('/api/auth/forgot-password', { email: first.account.email })).status,
    ).toBe(202);
    await expect.poll(() => logged(a, 'mail failed; will retry').length, { timeout: 15_000 }).toBe(1);

    // The server is up, but slow: A's retry is held mid-send, the mail still in the outbox and due.
    const slow = smtp.holdNext();
    smtp.mode = 'accept';
    try {
      const held = await slow.held;
      expect(held.envelopeTo).toEqual([first.account.email]);
      // A mail queued on B makes B's sender job run a pass now: it must leave A's mail alone.
      expect(
        (await apiClient(b.url).post('/api/auth/forgot-password', { email: second.account.email })).status,
      ).toBe(202);
      await smtp.waitFor((m) => m.envelopeTo.includes(second.account.email), 15_000);
    } finally {
      slow.release();
    }
    await expect.poll(() => outboxSize(file), { timeout: 15_000 }).toBe(0);
    const sent = (server: ServerProcess) => logged(server, 'mail sent').map((l) => l.userId);
    // Each send is logged just after its mail leaves the store: wait for both lines.
    await expect.poll(() => sent(a).length + sent(b).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

    expect(to(first)).toHaveLength(1);
    expect(to(second)).toHaveLength(1);
    // Each instance's job sent one mail: A the first user's, B the second's.
    expect(sent(a)).toEqual([first.user.id]);
    expect(sent(b)).toEqual([second.user.id]);
  });
});
