/**
 * Messages that ask the customer something, rendered with lib/templates (Handlebars) from the
 * request's variables. The email's answer links are added when it is sent (`answer_links` in the
 * email template), so the stored, streamed and listed message never carries them.
 */
export const CONTACT_TEMPLATES: Record<
  string,
  { kind: string; title: string; message: string; sms: string; critical: boolean }
> = {
  fraud_verification: {
    kind: 'fraud_contact',
    title: 'Did you make this payment?',
    message: 'We saw a payment of {{amount}} at {{merchant}}. Was it you?',
    // SMS stays within 160 characters: no links, the customer replies YES or NO.
    sms: '{{amount}} at {{merchant}}. Reply YES if it was you, NO if not.',
    critical: true,
  },
  general_check_in: {
    kind: 'check_in',
    title: '{{title}}',
    message: '{{message}}',
    sms: '{{message}} Reply YES or NO.',
    critical: false,
  },
};
