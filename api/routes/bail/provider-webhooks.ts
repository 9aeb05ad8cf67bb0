import type { Client } from '@temporalio/client';
import { readDocusignConnect } from '../../../activities/bail/providers/docusign.js';
import { readStripeWebhook } from '../../../activities/bail/providers/stripe.js';
import { applyEnvelopeEvent } from '../../../commands/bail/envelope-status.js';
import { applyPaymentEvent } from '../../../commands/bail/apply-payment-event.js';
import type { Db } from '../../../db/pool.js';
import { dispatchStarts } from '../../../temporal/clients/pending-starts.js';
import { ApiError } from '../../errors.js';
import { newRouter } from '../../router.js';

/**
 * The bail providers' webhooks: open, but each request must carry the provider's signature over
 * the raw body, else a 401 that changes nothing. A report is stored first, then the plan's (or
 * envelope's) run is told.
 */
export function bailWebhookRoutes(deps: {
  db: Db;
  temporal: Client;
  taskQueuePrefix: string;
  stripeWebhookSecret?: string | undefined;
  docusignHmacKey?: string | undefined;
}) {
  const { db } = deps;
  return newRouter()
    .post('/webhooks/docusign', async (c) => {
      if (!deps.docusignHmacKey) throw new ApiError(404, 'not_found', 'DocuSign Connect is not configured');
      const read = readDocusignConnect(
        deps.docusignHmacKey,
        await c.req.text(),
        c.req.header('x-docusign-signature-1'),
      );
      if (!read.ok) throw new ApiError(401, 'invalid_signature', 'The webhook signature is not valid');
      if (!read.event) return c.json({ received: true, applied: false }, 200);
      const r = await applyEnvelopeEvent(db, 'docusign', read.event);
      await dispatchStarts(deps.temporal, db, r.starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
      return c.json({ received: true, applied: r.applied }, 200);
    })
    .post('/webhooks/stripe', async (c) => {
      if (!deps.stripeWebhookSecret)
        throw new ApiError(404, 'not_found', 'Stripe webhooks are not configured');
      const read = readStripeWebhook(
        deps.stripeWebhookSecret,
        await c.req.text(),
        c.req.header('stripe-signature'),
      );
      if (!read.ok) throw new ApiError(401, 'invalid_signature', 'The webhook signature is not valid');
      if (!read.event) return c.json({ received: true, applied: false }, 200);
      const r = await applyPaymentEvent(db, 'stripe', read.event);
      await dispatchStarts(deps.temporal, db, r.starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
      return c.json({ received: true, applied: r.applied }, 200);
    });
}
