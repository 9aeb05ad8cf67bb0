import sendgridClient from '@sendgrid/client';
import sendgridMail from '@sendgrid/mail';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { isRetryableStatus, ProviderError, type OutgoingMessage, type Provider } from './types.js';

// The packages export ready-made singletons with their classes attached; each provider gets its own.
const SendgridClient = (sendgridClient as unknown as { Client: new () => typeof sendgridClient }).Client;
const SendgridMail = (sendgridMail as unknown as { MailService: new () => typeof sendgridMail }).MailService;

type SendgridError = Error & {
  code?: number | string;
  response?: { headers?: Record<string, string>; body?: unknown };
};

const retryAfterMs = (headers: Record<string, string> | undefined): number | null => {
  const v = headers?.['retry-after'];
  if (!v) return null;
  const seconds = Number(v);
  return Number.isFinite(seconds) ? seconds * 1000 : Math.max(0, Date.parse(v) - Date.now()) || null;
};

/** Email through the real @sendgrid/mail client; `baseUrl` points it at a local fake in tests. */
export function sendgridProvider(o: {
  apiKey: string;
  from: string;
  baseUrl?: string | undefined;
}): Provider {
  const client = new SendgridClient();
  client.setApiKey(o.apiKey);
  if (o.baseUrl) client.setDefaultRequest('baseUrl', o.baseUrl);
  const mail = new SendgridMail();
  mail.setClient(client);
  return {
    name: 'sendgrid',
    async find(m: OutgoingMessage) {
      // Email Activity API: messages carrying this delivery's custom argument.
      const [response] = await client.request({
        method: 'GET',
        url: '/v3/messages',
        qs: { limit: 10, query: `unique_args['delivery_id']="${m.deliveryId}"` },
      });
      const messages = (response.body as { messages?: { msg_id: string }[] } | undefined)?.messages ?? [];
      return response.statusCode === 200 && messages[0] ? { providerMessageId: messages[0].msg_id } : null;
    },
    async send(m: OutgoingMessage) {
      try {
        const [response] = await mail.send({
          to: m.to,
          from: o.from,
          subject: m.subject ?? '',
          text: m.text,
          ...(m.html && { html: m.html }),
          // Lets bounce and delivery webhooks find the delivery.
          customArgs: { delivery_id: m.deliveryId, org_id: m.orgId },
        });
        const id = (response.headers as Record<string, string | undefined>)['x-message-id'];
        return { providerMessageId: id ?? `sendgrid-${m.deliveryId}` };
      } catch (err) {
        const e = err as SendgridError;
        const status = typeof e.code === 'number' ? e.code : null;
        if (status === null) {
          // No HTTP answer: connection refused, reset, timeout. Another attempt may succeed.
          throw new ProviderError(e.message || 'SendGrid unreachable', 'network_error', null, true);
        }
        const body = e.response?.body as { errors?: { message?: string }[] } | undefined;
        const detail = body?.errors?.map((x) => x.message).join('; ') || e.message;
        throw new ProviderError(
          `SendGrid ${status}: ${detail}`,
          `sendgrid_${status}`,
          status,
          isRetryableStatus(status),
          status === 429 ? retryAfterMs(e.response?.headers) : null,
        );
      }
    },
  };
}

/** Signed SendGrid webhooks older than this are replays. */
export const SENDGRID_MAX_WEBHOOK_AGE_S = 5 * 60;

const SENDGRID_EVENTS: Record<string, 'delivered' | 'bounced' | 'failed' | 'spam_report'> = {
  delivered: 'delivered',
  bounce: 'bounced',
  // SendGrid would not send to the address (it bounced before, is invalid, or unsubscribed): the
  // address is as good as bounced until someone verifies it again.
  dropped: 'bounced',
  spamreport: 'spam_report',
};

export type SendgridReport = {
  orgId: string;
  deliveryId: string;
  status: 'delivered' | 'bounced' | 'failed' | 'spam_report';
  errorCode: string | null;
  reason: string | null;
};

/**
 * Verifies a SendGrid Event Webhook request (ECDSA over timestamp + raw body, fresh within five
 * minutes) and reads the reports Sentinel acts on from it. `invalid` when the signature or the
 * timestamp does not hold; `malformed` when the body is not a JSON array of events.
 */
export function readSendgridWebhook(
  publicKey: string,
  raw: string,
  h: { signature?: string | undefined; timestamp?: string | undefined },
  nowMs = Date.now(),
): { ok: false; error: 'invalid' | 'malformed' } | { ok: true; received: number; reports: SendgridReport[] } {
  if (!h.signature || !h.timestamp) return { ok: false, error: 'invalid' };
  const ts = Number(h.timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > SENDGRID_MAX_WEBHOOK_AGE_S) {
    return { ok: false, error: 'invalid' };
  }
  const ew = new EventWebhook();
  let valid = false;
  try {
    valid = ew.verifySignature(ew.convertPublicKeyToECDSA(publicKey), raw, h.signature, h.timestamp);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, error: 'invalid' };
  let events: unknown;
  try {
    events = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'malformed' };
  }
  if (!Array.isArray(events)) return { ok: false, error: 'malformed' };
  const reports: SendgridReport[] = [];
  for (const e of events as Record<string, unknown>[]) {
    const status = SENDGRID_EVENTS[String(e?.event)];
    // The delivery's ids travel as custom args on the message (see send above).
    if (!status || typeof e.delivery_id !== 'string' || typeof e.org_id !== 'string') continue;
    reports.push({
      orgId: e.org_id,
      deliveryId: e.delivery_id,
      status,
      errorCode: typeof e.status === 'string' ? e.status : null,
      reason: typeof e.reason === 'string' ? e.reason : null,
    });
  }
  return { ok: true, received: events.length, reports };
}
