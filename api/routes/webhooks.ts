import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import type { Client } from '@temporalio/client';
import twilio from 'twilio';
import { getDelivery } from '../../db/notify/deliveries.js';
import {
  applyProviderStatus,
  findByProviderMessage,
  type ProviderStatus,
} from '../../db/notify/provider-status.js';
import type { Db } from '../../db/pool.js';
import { sendProviderStatus } from '../../temporal/clients/notify.js';
import { ApiError } from '../errors.js';
import { newRouter } from '../router.js';

/** Signed webhooks older than this are replays. */
export const MAX_WEBHOOK_AGE_S = 5 * 60;

const SENDGRID_EVENTS: Record<string, ProviderStatus['status']> = {
  delivered: 'delivered',
  bounce: 'bounced',
  dropped: 'failed',
  spamreport: 'spam_report',
};
const TWILIO_STATUSES: Record<string, ProviderStatus['status']> = {
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

const invalidSignature = () => new ApiError(401, 'invalid_signature', 'The webhook signature is not valid');

/**
 * Provider webhooks: open, but every request must carry the provider's signature over the raw
 * body; anything else is a 401 that changes nothing. Reports go to the delivery's workflow as a
 * signal (or straight to Postgres once that run has ended).
 */
export function webhookRoutes(deps: {
  db: Db;
  temporal: Client;
  sendgridPublicKey?: string | undefined;
  twilioAuthToken?: string | undefined;
  publicUrl?: string | undefined;
}) {
  const { db } = deps;

  async function report(orgId: string, notificationId: string, status: ProviderStatus) {
    // A delivery still running takes the report itself; one that ended has it applied here.
    if (!(await sendProviderStatus(deps.temporal, notificationId, status))) {
      await applyProviderStatus(db, orgId, status);
    }
  }

  return newRouter()
    .post('/webhooks/sendgrid', async (c) => {
      if (!deps.sendgridPublicKey)
        throw new ApiError(404, 'not_found', 'SendGrid webhooks are not configured');
      const raw = await c.req.text();
      const signature = c.req.header(EventWebhookHeader.SIGNATURE());
      const timestamp = c.req.header(EventWebhookHeader.TIMESTAMP());
      if (!signature || !timestamp) throw invalidSignature();
      if (
        Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_WEBHOOK_AGE_S ||
        !Number.isFinite(Number(timestamp))
      ) {
        throw invalidSignature();
      }
      const ew = new EventWebhook();
      let valid = false;
      try {
        valid = ew.verifySignature(
          ew.convertPublicKeyToECDSA(deps.sendgridPublicKey),
          raw,
          signature,
          timestamp,
        );
      } catch {
        valid = false;
      }
      if (!valid) throw invalidSignature();
      let events: unknown;
      try {
        events = JSON.parse(raw);
      } catch {
        throw new ApiError(400, 'malformed_json', 'The request body is not valid JSON');
      }
      if (!Array.isArray(events)) throw new ApiError(400, 'validation_failed', 'Expected an array of events');
      let applied = 0;
      for (const e of events as Record<string, unknown>[]) {
        const status = SENDGRID_EVENTS[String(e.event)];
        const deliveryId = typeof e.delivery_id === 'string' ? e.delivery_id : null;
        const orgId = typeof e.org_id === 'string' ? e.org_id : null;
        if (!status || !deliveryId || !orgId) continue;
        const d = await getDelivery(db, orgId, deliveryId).catch(() => null);
        if (!d) continue;
        await report(orgId, d.notification_id, {
          deliveryId,
          status,
          errorCode: typeof e.status === 'string' ? e.status : null,
          reason: typeof e.reason === 'string' ? e.reason : null,
        });
        applied++;
      }
      return c.json({ received: events.length, applied }, 200);
    })
    .post('/webhooks/twilio/status', async (c) => {
      if (!deps.twilioAuthToken) throw new ApiError(404, 'not_found', 'Twilio webhooks are not configured');
      const raw = await c.req.text();
      const params = Object.fromEntries(new URLSearchParams(raw));
      const url = deps.publicUrl ? `${deps.publicUrl.replace(/\/$/, '')}/webhooks/twilio/status` : c.req.url;
      const signature = c.req.header('x-twilio-signature');
      if (!signature || !twilio.validateRequest(deps.twilioAuthToken, signature, url, params))
        throw invalidSignature();
      const status = TWILIO_STATUSES[params.MessageStatus ?? ''];
      const d = params.MessageSid ? await findByProviderMessage(db, 'twilio', params.MessageSid) : null;
      if (status && d) {
        await report(d.org_id, d.notification_id, {
          deliveryId: d.id,
          status,
          errorCode: params.ErrorCode ? `twilio_${params.ErrorCode}` : null,
          reason: params.ErrorMessage ?? null,
        });
      }
      // Twilio wants an empty TwiML-free 2xx.
      return c.body(null, 204);
    });
}
