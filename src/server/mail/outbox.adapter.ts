import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailAbout, Mailer, MailMessage, SentMail } from './mailer.port.js';

/** The part of a file name that says whose mail it is (a user id, never a name or address). */
const userTag = (userId: string) => `-u${userId.replace(/[^\w-]/g, '')}-`;

/**
 * The embedded default when SMTP_URL is unset: each message becomes an
 * RFC 5322 .eml file in DATA_DIR/outbox, so the whole flow works on a fresh
 * machine with no mail server. Files are 0600: they hold reset links. The
 * file name carries the user's id, so the files go with the account.
 */
export class OutboxMailer implements Mailer {
  readonly description: string;
  private readonly composer: Transporter;

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {
    this.description = `outbox folder ${dir}`;
    // nodemailer's stream transport composes the full MIME message without sending it.
    this.composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async send(message: MailMessage, about?: MailAbout): Promise<SentMail> {
    const info = (await this.composer.sendMail({ from: this.from, ...message })) as {
      messageId: string;
      message: Buffer;
    };
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const safeId = info.messageId.replace(/[^\w.-]/g, '');
    const file = path.join(this.dir, `${stamp}${about ? userTag(about.userId) : '-'}${safeId}.eml`);
    await fs.writeFile(file, info.message, { mode: 0o600, flag: 'wx' });
    return { messageId: info.messageId, file };
  }

  async deleteForUser(userId: string): Promise<number> {
    const tag = userTag(userId);
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return 0;
      }
      throw error;
    }
    const mine = names.filter((name) => name.endsWith('.eml') && name.includes(tag));
    await Promise.all(mine.map((name) => fs.rm(path.join(this.dir, name), { force: true })));
    return mine.length;
  }

  async close(): Promise<void> {
    this.composer.close();
  }
}
