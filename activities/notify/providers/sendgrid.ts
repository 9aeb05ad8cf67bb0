import sendgridClient from '@sendgrid/client';
import sendgridMail from '@sendgrid/mail';
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
