import { sql } from 'slonik';
import { z } from 'zod';
import { emitEvent } from '../platform/events.js';
import type { Db } from '../pool.js';
import { getDelivery, updateDelivery } from './deliveries.js';
import { markEmailInvalid, putPreferences } from './preferences.js';

export type ProviderStatus = {
  deliveryId: string;
  status: 'delivered' | 'bounced' | 'failed' | 'spam_report';
  errorCode?: string | null | undefined;
  reason?: string | null | undefined;
};

/**
 * A provider's report on a sent message: delivered; bounced (the email address is marked invalid
 * until re-verified); failed; or a spam report (email turned off for the customer). Used by the
 * delivery workflow's activity and, once that run has ended, by the webhook directly. Idempotent.
 */
export async function applyProviderStatus(db: Db, orgId: string, s: ProviderStatus): Promise<boolean> {
  return db.transaction(async (t) => {
    const d = await getDelivery(t, orgId, s.deliveryId);
    if (!d) return false;
    if (s.status === 'spam_report') {
      await putPreferences(t, orgId, d.customer_id, { email_enabled: false });
    } else if (['sent', 'retrying', 'delivered'].includes(d.status) && d.status !== s.status) {
      await updateDelivery(t, orgId, d.id, {
        status: s.status,
        ...(s.errorCode !== undefined && { error_code: s.errorCode }),
        ...(s.reason !== undefined && { error_text: s.reason }),
        stamp: s.status === 'delivered' ? 'delivered_at' : 'failed_at',
      });
      if (s.status === 'bounced' && d.channel === 'email')
        await markEmailInvalid(t, orgId, d.customer_id, s.reason ?? s.errorCode ?? null);
    } else {
      return false;
    }
    await emitEvent(t, {
      orgId,
      streams: ['notifications'],
      type: 'delivery_status',
      payload: {
        delivery_id: d.id,
        notification_id: d.notification_id,
        channel: d.channel,
        status: s.status,
      },
      dedupKey: `delivery_status:${d.id}:${s.status}`,
    });
    return true;
  });
}

/** The delivery a Twilio status callback is about, by message SID. */
export function findByProviderMessage(
  db: Db,
  provider: string,
  providerMessageId: string,
): Promise<{ id: string; org_id: string; notification_id: string } | null> {
  return db.maybeOne(sql.type(z.object({ id: z.string(), org_id: z.string(), notification_id: z.string() }))`
    SELECT id, org_id, notification_id FROM notification_deliveries
    WHERE provider = ${provider} AND provider_message_id = ${providerMessageId}`);
}
