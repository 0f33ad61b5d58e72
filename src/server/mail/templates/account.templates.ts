import type { MailMessage } from '../mailer.port.js';
import { PRODUCT_NAME, renderHtml, renderText, type Block } from './layout.js';

function message(to: string, subject: string, blocks: Block[]): MailMessage {
  return { to, subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}

/** The reset-link mail (OWASP: say how long it is valid, and what to do if unrequested). */
export function resetLinkMail(
  to: { email: string; name: string },
  link: string,
  ttlMinutes: number,
): MailMessage {
  return message(to.email, `Reset your ${PRODUCT_NAME} password`, [
    { text: `Hello ${to.name},` },
    {
      text: `Someone asked to reset the password of your ${PRODUCT_NAME} account. Use the link below to choose a new one. It works once and expires in ${ttlMinutes} minutes.`,
    },
    { link, label: 'Reset your password' },
    { text: 'If you did not ask for this, you can ignore this email: your password stays as it is.' },
  ]);
}

/** The notice sent after any password change (OWASP: notify the user). */
export function passwordChangedMail(
  to: { email: string; name: string },
  appUrl: string,
  at: Date,
): MailMessage {
  return message(to.email, `Your ${PRODUCT_NAME} password was changed`, [
    { text: `Hello ${to.name},` },
    {
      text: `The password of your ${PRODUCT_NAME} account was changed on ${at.toUTCString()}. Every device that was signed in has been signed out.`,
    },
    { text: 'If this was not you, reset your password now and check your account:' },
    { link: `${appUrl}/forgot-password`, label: 'Reset your password' },
  ]);
}

/** Sent to the old address when the account's email changes (OWASP: notify on changes). */
export function emailChangedMail(
  to: { email: string; name: string },
  newEmail: string,
  appUrl: string,
): MailMessage {
  return message(to.email, `Your ${PRODUCT_NAME} email address was changed`, [
    { text: `Hello ${to.name},` },
    {
      text: `The email address of your ${PRODUCT_NAME} account was changed to ${newEmail}. Mail about the account now goes there.`,
    },
    { text: 'If this was not you, sign in and change it back, then change your password:' },
    { link: `${appUrl}/login`, label: `Sign in to ${PRODUCT_NAME}` },
  ]);
}
