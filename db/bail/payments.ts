import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const PAYMENT_METHODS = ['card', 'debit', 'bank_transfer', 'check', 'cash'] as const;

export const paymentRow = z.object({
  id: z.string().uuid(),
  bond_id: z.string().uuid(),
  client_id: z.string().uuid(),
  installment_id: z.string().uuid().nullable(),
  amount: z.string(),
  currency: z.string(),
  method: z.enum(PAYMENT_METHODS),
  status: z.enum(['pending', 'completed', 'failed', 'refunded', 'cancelled']),
  provider: z.string().nullable(),
  provider_payment_id: z.string().nullable(),
  failure_reason: z.string().nullable(),
  reference: z.string().nullable(),
  processed_at: z.string().nullable(),
  created_at: z.string(),
});
export type PaymentRow = z.infer<typeof paymentRow>;

const columns = sql.fragment`id, bond_id, client_id, installment_id, amount::text, currency, method, status,
  provider, provider_payment_id, failure_reason, reference, processed_at, created_at`;

/** A payment taken outside a provider (cash, check, a card on a terminal): completed when recorded. */
export async function insertManualPayment(
  db: Queryable,
  orgId: string,
  p: {
    bondId: string;
    clientId: string;
    amount: string;
    currency: string;
    method: PaymentRow['method'];
    reference: string | null;
    key: string;
    recordedBy: string | null;
  },
): Promise<{ row: PaymentRow; created: boolean }> {
  const created = await db.maybeOne(sql.type(paymentRow)`
    INSERT INTO payments (org_id, bond_id, client_id, amount, currency, method, status, idempotency_key,
      reference, recorded_by, processed_at)
    VALUES (${orgId}, ${p.bondId}, ${p.clientId}, ${p.amount}, ${p.currency}, ${p.method}, 'completed', ${p.key},
      ${p.reference}, ${p.recordedBy}, now())
    ON CONFLICT (org_id, idempotency_key) DO NOTHING RETURNING ${columns}`);
  if (created) return { row: created, created: true };
  return {
    row: await db.one(sql.type(paymentRow)`
      SELECT ${columns} FROM payments WHERE org_id = ${orgId} AND idempotency_key = ${p.key}`),
    created: false,
  };
}

export function listPayments(db: Queryable, orgId: string, bondId: string): Promise<readonly PaymentRow[]> {
  return db.any(sql.type(paymentRow)`
    SELECT ${columns} FROM payments WHERE org_id = ${orgId} AND bond_id = ${bondId} ORDER BY created_at DESC, id DESC`);
}

/** What the client has paid on a bond (completed payments less refunds). */
export function paidTotal(db: Queryable, orgId: string, bondId: string): Promise<string> {
  return db.oneFirst(sql.type(z.object({ paid: z.string() }))`
    SELECT coalesce(sum(amount) FILTER (WHERE status = 'completed'), 0)::text AS paid
    FROM payments WHERE org_id = ${orgId} AND bond_id = ${bondId}`);
}
