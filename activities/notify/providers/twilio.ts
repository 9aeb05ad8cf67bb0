import twilio from 'twilio';
import { isRetryableStatus, ProviderError, type OutgoingMessage, type Provider } from './types.js';

type TwilioError = Error & { status?: number; code?: number | string };

/** SMS through the real twilio client; `baseUrl` points it at a local fake in tests. */
export function twilioProvider(o: {
  accountSid: string;
  authToken: string;
  from: string;
  baseUrl?: string | undefined;
  statusCallback?: string | undefined;
}): Provider {
  const client = twilio(o.accountSid, o.authToken);
  if (o.baseUrl) client.api.baseUrl = o.baseUrl;
  return {
    name: 'twilio',
    async find(m: OutgoingMessage, since: Date) {
      const recent = await client.messages.list({
        to: m.to,
        from: m.from ?? o.from,
        dateSentAfter: since,
        limit: 50,
      });
      const same = recent.find((x) => x.body === m.text);
      return same ? { providerMessageId: same.sid } : null;
    },
    async send(m: OutgoingMessage) {
      try {
        const message = await client.messages.create({
          to: m.to,
          from: m.from ?? o.from,
          body: m.text,
          ...(o.statusCallback && { statusCallback: o.statusCallback }),
        });
        return { providerMessageId: message.sid };
      } catch (err) {
        const e = err as TwilioError;
        const status = typeof e.status === 'number' ? e.status : null;
        if (status === null)
          throw new ProviderError(e.message || 'Twilio unreachable', 'network_error', null, true);
        // Twilio's own error codes (21211 invalid number, 21610 unsubscribed, …) say more than the status.
        const code = e.code !== undefined ? `twilio_${String(e.code)}` : `twilio_${status}`;
        throw new ProviderError(`Twilio ${status}: ${e.message}`, code, status, isRetryableStatus(status));
      }
    },
  };
}

/**
 * Whether a Twilio webhook request carries Twilio's signature: HMAC-SHA1 over the public URL
 * Twilio called and the form parameters, with the account's auth token.
 */
export function verifyTwilioRequest(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Record<string, string>,
): boolean {
  return !!signature && twilio.validateRequest(authToken, signature, url, params);
}

const TWILIO_STATUSES: Record<string, 'delivered' | 'failed'> = {
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

/** A status callback as Sentinel acts on it; null for the intermediate statuses (queued, sent…). */
export function readTwilioStatus(params: Record<string, string>): {
  messageSid: string;
  status: 'delivered' | 'failed';
  errorCode: string | null;
  reason: string | null;
} | null {
  const status = TWILIO_STATUSES[params.MessageStatus ?? ''];
  if (!status || !params.MessageSid) return null;
  return {
    messageSid: params.MessageSid,
    status,
    errorCode: params.ErrorCode ? `twilio_${params.ErrorCode}` : null,
    reason: params.ErrorMessage ?? null,
  };
}
