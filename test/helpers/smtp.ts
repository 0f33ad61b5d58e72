import net from 'node:net';
import PostalMime, { type Email } from 'postal-mime';
import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server received, parsed. */
export interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  parsed: Email;
  /** The first CodeGenie reset link in the text part, if any. */
  resetLink: string | undefined;
}

export interface TestSmtpServer {
  /** smtp://user:pass@127.0.0.1:PORT for SMTP_URL. */
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** 'accept' (default), or 'reject' every recipient with 550, or 'drop' the connection. */
  mode: 'accept' | 'reject' | 'drop';
  /**
   * Holds the next message before answering its DATA (the sender waits for
   * the 250, as from a slow server): `held` resolves with it once it is held;
   * `release` accepts it (only then is it in `messages`).
   */
  holdNext(): { held: Promise<ReceivedMail>; release(): void };
  /** Resolves with the first message matching `predicate`, waiting up to `timeoutMs`. */
  waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const USER = 'mailer';
const PASS = 'smtp-test-password';

/**
 * A real SMTP server on loopback (smtp-server), with AUTH PLAIN/LOGIN over a
 * plain connection (STARTTLS disabled: no certificate here). Messages are
 * parsed with postal-mime.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters: { predicate: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }[] = [];
  const state: { mode: TestSmtpServer['mode'] } = { mode: 'accept' };
  /** The pending holdNext: called with the next message, resolves when it may be accepted. */
  let hold: ((mail: ReceivedMail) => Promise<void>) | undefined;

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASS) {
        callback(null, { user: USER });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onConnect(session, callback) {
      if (state.mode === 'drop') {
        callback(new Error('Service not available'));
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (state.mode === 'reject') {
        const error = new Error('Mailbox unavailable') as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        PostalMime.parse(raw)
          .then((parsed) => {
            const mail: ReceivedMail = {
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
              resetLink: /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(parsed.text ?? '')?.[0],
            };
            const held = hold;
            hold = undefined;
            return held ? held(mail).then(() => mail) : mail;
          })
          .then((mail) => {
            messages.push(mail);
            for (const w of waiters.splice(0)) {
              if (w.predicate(mail)) {
                w.resolve(mail);
              } else {
                waiters.push(w);
              }
            }
            callback();
          })
          .catch((error: unknown) => {
            callback(error as Error);
          });
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = (server as unknown as { server: net.Server }).server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    url: `smtp://${USER}:${PASS}@127.0.0.1:${port}`,
    port,
    messages,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    holdNext() {
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const held = new Promise<ReceivedMail>((resolve) => {
        hold = (mail) => {
          resolve(mail);
          return released;
        };
      });
      return {
        held,
        release: () => {
          release();
        },
      };
    },
    waitFor(predicate, timeoutMs = 10_000) {
      const found = messages.find(predicate);
      if (found) {
        return Promise.resolve(found);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error('no matching mail arrived'));
        }, timeoutMs);
        waiters.push({
          predicate,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
