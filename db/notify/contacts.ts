import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const CONTACT_STATUS = z.enum([
  'pending',
  'sent',
  'awaiting_reply',
  'replied',
  'no_reply',
  'callback_requested',
]);

export const contactRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  case_id: z.string().uuid().nullable(),
  template: z.string(),
  variables: z.record(z.unknown()),
  channels: z.array(z.string()),
  expect_reply: z.boolean(),
  reply_timeout_seconds: z.number().int(),
  status: CONTACT_STATUS,
  current_channel: z.string().nullable(),
  answer: z.enum(['yes', 'no']).nullable(),
  answered_via: z.string().nullable(),
  replied_at: z.string().nullable(),
  /** When an answer link was first used: a link works once. */
  link_used_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ContactRow = z.infer<typeof contactRow>;

const columns = sql.fragment`id, org_id, customer_id, case_id, template, variables, channels, expect_reply,
  reply_timeout_seconds, status, current_channel, answer, answered_via, replied_at, link_used_at, created_at, updated_at`;

export function insertContact(
  db: Queryable,
  orgId: string,
  c: {
    /** Set by a workflow that chose the id, so a retried insert finds its row. */
    id?: string;
    customer_id: string;
    case_id: string | null;
    template: string;
    variables: Record<string, unknown>;
    channels: string[];
    expect_reply: boolean;
    reply_timeout_seconds: number;
  },
): Promise<ContactRow> {
  return db.one(sql.type(contactRow)`
    INSERT INTO customer_contacts (id, org_id, customer_id, case_id, template, variables, channels, expect_reply, reply_timeout_seconds)
    VALUES (coalesce(${c.id ?? null}::uuid, gen_random_uuid()), ${orgId}, ${c.customer_id}, ${c.case_id}, ${c.template}, ${sql.jsonb(c.variables as never)},
      ${sql.array(c.channels, 'text')}, ${c.expect_reply}, ${c.reply_timeout_seconds})
    RETURNING ${columns}`);
}

export function getContact(db: Queryable, orgId: string, id: string): Promise<ContactRow | null> {
  return db.maybeOne(
    sql.type(contactRow)`SELECT ${columns} FROM customer_contacts WHERE org_id = ${orgId} AND id = ${id}`,
  );
}

/** The contact a link names: looked up before any organisation is known (the signed token is the proof). */
export function getContactById(db: Queryable, id: string): Promise<ContactRow | null> {
  return db.maybeOne(sql.type(contactRow)`SELECT ${columns} FROM customer_contacts WHERE id = ${id}`);
}

/** The organisation's contact awaiting an SMS answer from this number (E.164), newest first. */
export function findAwaitingByPhone(db: Queryable, orgId: string, phone: string): Promise<ContactRow | null> {
  return db.maybeOne(sql.type(contactRow)`
    SELECT ${columns} FROM customer_contacts
    WHERE org_id = ${orgId} AND status = 'awaiting_reply' AND current_channel = 'sms'
      AND customer_id IN (SELECT id FROM customers WHERE org_id = ${orgId} AND phone = ${phone})
    ORDER BY created_at DESC LIMIT 1`);
}

/**
 * Claims a contact's answer links for one answer: only while it waits and only once, so a replay
 * or the other link of the pair records nothing. By id alone, as getContactById (the token is the proof).
 */
export function claimAnswerLink(db: Queryable, id: string): Promise<ContactRow | null> {
  return db.maybeOne(sql.type(contactRow)`
    UPDATE customer_contacts SET link_used_at = now(), updated_at = now()
    WHERE id = ${id} AND status = 'awaiting_reply' AND link_used_at IS NULL
    RETURNING ${columns}`);
}

/** Gives a claimed link back when its answer could not be delivered. */
export async function releaseAnswerLink(db: Queryable, id: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE customer_contacts SET link_used_at = NULL WHERE id = ${id}`);
}

export function updateContact(
  db: Queryable,
  orgId: string,
  id: string,
  p: { status: ContactRow['status']; current_channel?: string; answer?: 'yes' | 'no'; answered_via?: string },
): Promise<ContactRow | null> {
  const answered = p.answer
    ? sql.fragment`, answer = ${p.answer}, answered_via = ${p.answered_via ?? null}, replied_at = now()`
    : sql.fragment``;
  const channel = p.current_channel ? sql.fragment`, current_channel = ${p.current_channel}` : sql.fragment``;
  return db.maybeOne(sql.type(contactRow)`
    UPDATE customer_contacts SET status = ${p.status}${channel}${answered}, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

export async function createCallbackTask(
  db: Queryable,
  orgId: string,
  t: { contact_id: string; customer_id: string; case_id: string | null },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO callback_tasks (org_id, contact_id, customer_id, case_id)
    VALUES (${orgId}, ${t.contact_id}, ${t.customer_id}, ${t.case_id})
    ON CONFLICT (contact_id) DO NOTHING`);
}
