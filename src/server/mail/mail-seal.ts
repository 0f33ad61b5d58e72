import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { MailMessage } from './mailer.port.js';

const VERSION = 'v1';
const INFO = 'codegenie outbox mail v1';

/**
 * Seals queued messages with AES-256-GCM under a key derived (HKDF-SHA256)
 * from the session secret: a reset mail waits in the store until it is sent,
 * and the store must never hold a usable reset link in clear (only the
 * token's hash is stored; a database copy or backup must not hand out links).
 */
export class MailSeal {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'codegenie-outbox', INFO, 32));
  }

  seal(message: MailMessage): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(message), 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  /** The message; throws when the payload was sealed under another secret or altered. */
  open(payload: string): MailMessage {
    const [version, iv, tag, body] = payload.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('not a sealed mail');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
    return JSON.parse(text) as MailMessage;
  }
}
