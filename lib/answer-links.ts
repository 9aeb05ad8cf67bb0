import { createHmac, timingSafeEqual } from 'node:crypto';

export type Answer = 'yes' | 'no';

/** The path an answer link points at; GET shows a confirmation page, POST records the answer. */
export const ANSWER_PATH = '/api/v1/contact/';

const sign = (key: string, body: string) =>
  createHmac('sha256', key).update(`contact-answer:${body}`).digest('base64url');

/**
 * `<contactId>.<answer>.<expires epoch s>.<hmac>`: one link per answer, so a token can only ever
 * say what its button says, and it dies with the contact (the contact's row also has to be
 * waiting, and the first use claims it).
 */
export function answerToken(key: string, contactId: string, answer: Answer, expiresAt: Date): string {
  const body = `${contactId}.${answer}.${Math.ceil(expiresAt.getTime() / 1000)}`;
  return `${body}.${sign(key, body)}`;
}

/** What a token says, if its signature is ours and it has not expired. */
export function verifyAnswerToken(
  key: string,
  token: string,
  now = Date.now(),
): { contactId: string; answer: Answer; expiresAt: Date } | null {
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [contactId, answer, expires, sig] = parts as [string, string, string, string];
  if (answer !== 'yes' && answer !== 'no') return null;
  if (!/^[0-9a-f-]{36}$/i.test(contactId) || !/^\d{1,12}$/.test(expires)) return null;
  const expected = Buffer.from(sign(key, `${contactId}.${answer}.${expires}`));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const expiresAt = new Date(Number(expires) * 1000);
  return expiresAt.getTime() > now ? { contactId, answer, expiresAt } : null;
}

/** The two links a message carries, made when it is sent (they are never stored with the notification). */
export function answerLinks(
  key: string,
  baseUrl: string,
  contactId: string,
  expiresAt: Date,
): Record<Answer, string> {
  const base = `${baseUrl.replace(/\/$/, '')}${ANSWER_PATH}`;
  return {
    yes: `${base}${answerToken(key, contactId, 'yes', expiresAt)}`,
    no: `${base}${answerToken(key, contactId, 'no', expiresAt)}`,
  };
}
