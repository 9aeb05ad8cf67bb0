import { EventWebhookHeader } from '@sendgrid/eventwebhook';
import type { Client } from '@temporalio/client';
import { readSendgridWebhook } from '../../activities/notify/providers/sendgrid.js';
import { readTwilioStatus, verifyTwilioRequest } from '../../activities/notify/providers/twilio.js';
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
      const read = readSendgridWebhook(deps.sendgridPublicKey, await c.req.text(), {
        signature: c.req.header(EventWebhookHeader.SIGNATURE()),
        timestamp: c.req.header(EventWebhookHeader.TIMESTAMP()),
      });
      if (!read.ok && read.error === 'invalid') throw invalidSignature();
      if (!read.ok) throw new ApiError(400, 'validation_failed', 'Expected a JSON array of events');
      let applied = 0;
      for (const r of read.reports) {
        const d = await getDelivery(db, r.orgId, r.deliveryId).catch(() => null);
        if (!d) continue;
        await report(r.orgId, d.notification_id, {
          deliveryId: r.deliveryId,
          status: r.status,
          errorCode: r.errorCode,
          reason: r.reason,
        });
        applied++;
      }
      return c.json({ received: read.received, applied }, 200);
    })
    .post('/webhooks/twilio/status', async (c) => {
      if (!deps.twilioAuthToken) throw new ApiError(404, 'not_found', 'Twilio webhooks are not configured');
      const params = Object.fromEntries(new URLSearchParams(await c.req.text()));
      const url = deps.publicUrl ? `${deps.publicUrl.replace(/\/$/, '')}/webhooks/twilio/status` : c.req.url;
      if (!verifyTwilioRequest(deps.twilioAuthToken, c.req.header('x-twilio-signature'), url, params))
        throw invalidSignature();
      const r = readTwilioStatus(params);
      const d = r ? await findByProviderMessage(db, 'twilio', r.messageSid) : null;
      if (r && d) {
        await report(d.org_id, d.notification_id, {
          deliveryId: d.id,
          status: r.status,
          errorCode: r.errorCode,
          reason: r.reason,
        });
      }
      // Twilio wants an empty TwiML-free 2xx.
      return c.body(null, 204);
    });
}
