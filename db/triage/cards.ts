import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const cardRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  account_id: z.string().uuid().nullable(),
  last4: z.string(),
  expiry_month: z.number().int(),
  expiry_year: z.number().int(),
  card_type: z.enum(['debit', 'credit', 'prepaid']),
  status: z.enum(['active', 'frozen', 'closed']),
  frozen_reason: z.string().nullable(),
  frozen_until: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type CardRow = z.infer<typeof cardRow>;

const columns = sql.fragment`id, org_id, customer_id, account_id, last4, expiry_month, expiry_year, card_type,
  status, frozen_reason, frozen_until, created_at, updated_at`;

export function insertCard(
  db: Queryable,
  orgId: string,
  c: {
    customer_id: string;
    account_id: string | null;
    number_hash: string;
    last4: string;
    expiry_month: number;
    expiry_year: number;
    card_type: CardRow['card_type'];
  },
): Promise<CardRow> {
  return db.one(sql.type(cardRow)`
    INSERT INTO cards (org_id, customer_id, account_id, card_number_hash, last4, expiry_month, expiry_year, card_type)
    VALUES (${orgId}, ${c.customer_id}, ${c.account_id}, ${c.number_hash}, ${c.last4}, ${c.expiry_month},
      ${c.expiry_year}, ${c.card_type})
    RETURNING ${columns}`);
}

export function getCard(db: Queryable, orgId: string, id: string): Promise<CardRow | null> {
  return db.maybeOne(sql.type(cardRow)`SELECT ${columns} FROM cards WHERE org_id = ${orgId} AND id = ${id}`);
}

/** Sets the card frozen with this reason and end; returns the card as it was before and after. */
export async function freezeCard(
  db: Queryable,
  orgId: string,
  id: string,
  f: { reason: string; until: string | null },
): Promise<{ before: CardRow; after: CardRow } | null> {
  const before = await db.maybeOne(sql.type(cardRow)`
    SELECT ${columns} FROM cards WHERE org_id = ${orgId} AND id = ${id} FOR UPDATE`);
  if (!before) return null;
  // A closed card stays closed: no row is updated and the card is returned as it was.
  const after = await db.maybeOne(sql.type(cardRow)`
    UPDATE cards SET status = 'frozen', frozen_reason = ${f.reason}, frozen_until = ${f.until}::timestamptz, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND status <> 'closed' RETURNING ${columns}`);
  return { before, after: after ?? before };
}

/** Back to active, if frozen; a closed card stays closed. */
export function unfreezeCard(db: Queryable, orgId: string, id: string): Promise<CardRow | null> {
  return db.maybeOne(sql.type(cardRow)`
    UPDATE cards SET status = 'active', frozen_reason = NULL, frozen_until = NULL, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND status = 'frozen' RETURNING ${columns}`);
}

/** A customer's cards, newest first (keyset). */
export function listCustomerCards(
  db: Queryable,
  orgId: string,
  customerId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<readonly CardRow[]> {
  return db.any(sql.type(cardRow)`
    SELECT ${columns} FROM cards
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND ${keysetAfter(page.cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${page.limit + 1}`);
}

export function countCustomerCards(db: Queryable, orgId: string, customerId: string): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM cards WHERE org_id = ${orgId} AND customer_id = ${customerId}`);
}
