import type { Config } from '../../../lib/config.js';
import type { SendChannel } from '../../../workflows/notify/channels.js';
import { sendgridProvider } from './sendgrid.js';
import { twilioProvider } from './twilio.js';
import type { Provider } from './types.js';

/**
 * The configured providers. Without keys (or with EMAIL_PROVIDER / SMS_PROVIDER = outbox) a
 * channel uses the local outbox, so development works offline.
 */
export function providersFromConfig(c: Config): Partial<Record<SendChannel, Provider>> {
  const providers: Partial<Record<SendChannel, Provider>> = {};
  if (c.EMAIL_PROVIDER === 'sendgrid' && c.SENDGRID_API_KEY && c.SENDGRID_FROM) {
    providers.email = sendgridProvider({
      apiKey: c.SENDGRID_API_KEY,
      from: c.SENDGRID_FROM,
      baseUrl: c.SENDGRID_BASE_URL,
    });
  }
  if (c.SMS_PROVIDER === 'twilio' && c.TWILIO_ACCOUNT_SID && c.TWILIO_AUTH_TOKEN && c.TWILIO_FROM) {
    providers.sms = twilioProvider({
      accountSid: c.TWILIO_ACCOUNT_SID,
      authToken: c.TWILIO_AUTH_TOKEN,
      from: c.TWILIO_FROM,
      baseUrl: c.TWILIO_BASE_URL,
      statusCallback: c.PUBLIC_URL ? `${c.PUBLIC_URL}/webhooks/twilio/status` : undefined,
    });
  }
  return providers;
}
