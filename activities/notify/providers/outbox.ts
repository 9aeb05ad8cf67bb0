import { putOutbox } from '../../../db/notify/outbox.js';
import type { Db } from '../../../db/pool.js';
import type { OutgoingMessage, Provider } from './types.js';

/** The local provider: keeps the message in outbox_messages (shown by GET /api/v1/dev/outbox). */
export function outboxProvider(db: Db): Provider {
  return {
    name: 'outbox',
    async send(m: OutgoingMessage) {
      const row = await putOutbox(db, m.orgId, {
        delivery_id: m.deliveryId,
        channel: m.channel,
        recipient: m.to,
        subject: m.subject,
        body_text: m.text,
        body_html: m.html,
      });
      return { providerMessageId: `outbox-${row.id}` };
    },
  };
}
