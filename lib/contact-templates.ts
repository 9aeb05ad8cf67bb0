import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Messages that ask the customer something. Variables are the request's, plus `link_yes` and
 * `link_no` (signed answer links). Rendered with lib/templates (Handlebars).
 */
export const CONTACT_TEMPLATES: Record<
  string,
  { kind: string; title: string; message: string; sms: string; critical: boolean }
> = {
  fraud_verification: {
    kind: 'fraud_contact',
    title: 'Did you make this payment?',
    message:
      'We saw a payment of {{amount}} at {{merchant}}. Was it you? Answer here: yes {{link_yes}} / no {{link_no}}',
    // SMS stays within 160 characters: no links, the customer replies YES or NO.
    sms: '{{amount}} at {{merchant}}. Reply YES if it was you, NO if not.',
    critical: true,
  },
  general_check_in: {
    kind: 'check_in',
    title: '{{title}}',
    message: '{{message}} Answer here: yes {{link_yes}} / no {{link_no}}',
    sms: '{{message}} Reply YES or NO.',
    critical: false,
  },
};

/** `<contactId>.<hmac>`: an answer link that needs no login and cannot be forged or pointed elsewhere. */
export function contactToken(key: string, contactId: string): string {
  return `${contactId}.${createHmac('sha256', key).update(`contact:${contactId}`).digest('base64url')}`;
}

/** The contact id a token names, if its signature is ours. */
export function verifyContactToken(key: string, token: string): string | null {
  const [id, sig] = token.split('.');
  if (!id || !sig) return null;
  const expected = Buffer.from(contactToken(key, id).split('.')[1]!);
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

/** YES / NO in an SMS reply, however it is written. */
export function parseAnswer(text: string): 'yes' | 'no' | null {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '');
  if (['yes', 'y', 'yes it was me', 'it was me', 'si', 'oui'].includes(t)) return 'yes';
  if (['no', 'n', 'not me', 'no it was not me', 'non'].includes(t)) return 'no';
  return null;
}
