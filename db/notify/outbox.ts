import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const outboxRow = z.object({
  id: z.string().uuid(),
  delivery_id: z.string().uuid(),
  channel: z.string(),
  recipient: z.string(),
  subject: z.string().nullable(),
  body_text: z.string(),
  body_html: z.string().nullable(),
  created_at: z.string(),
});
export type OutboxRow = z.infer<typeof outboxRow>;

const columns = sql.fragment`id, delivery_id, channel, recipient, subject, body_text, body_html, created_at`;

/** The local provider's "send": one row per delivery, however often it is retried. */
export async function putOutbox(
  db: Queryable,
  orgId: string,
  m: {
    delivery_id: string;
    channel: string;
    recipient: string;
    subject: string | null;
    body_text: string;
    body_html: string | null;
  },
): Promise<OutboxRow> {
  const created = await db.maybeOne(sql.type(outboxRow)`
    INSERT INTO outbox_messages (org_id, delivery_id, channel, recipient, subject, body_text, body_html)
    VALUES (${orgId}, ${m.delivery_id}, ${m.channel}, ${m.recipient}, ${m.subject}, ${m.body_text}, ${m.body_html})
    ON CONFLICT (delivery_id) DO NOTHING RETURNING ${columns}`);
  return (
    created ??
    db.one(sql.type(outboxRow)`SELECT ${columns} FROM outbox_messages WHERE delivery_id = ${m.delivery_id}`)
  );
}

export function listOutbox(
  db: Queryable,
  orgId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<readonly OutboxRow[]> {
  return db.any(sql.type(outboxRow)`
    SELECT ${columns} FROM outbox_messages WHERE org_id = ${orgId} AND ${keysetAfter(page.cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${page.limit + 1}`);
}
