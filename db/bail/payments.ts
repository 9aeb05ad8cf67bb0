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

/**
 * A charge about to be sent to the provider, once per key: the row exists before the request,
 * so a crash mid-request leaves a pending payment whose retry reuses the same key.
 */
export async function claimCharge(
  db: Queryable,
  orgId: string,
  p: {
    bondId: string;
    clientId: string;
    installmentId: string | null;
    amount: string;
    currency: string;
    provider: string;
    key: string;
    recordedBy: string | null;
  },
): Promise<PaymentRow> {
  const created = await db.maybeOne(sql.type(paymentRow)`
    INSERT INTO payments (org_id, bond_id, client_id, installment_id, amount, currency, method, status,
      idempotency_key, provider, recorded_by)
    VALUES (${orgId}, ${p.bondId}, ${p.clientId}, ${p.installmentId}, ${p.amount}, ${p.currency}, 'card',
      'pending', ${p.key}, ${p.provider}, ${p.recordedBy})
    ON CONFLICT (org_id, idempotency_key) DO NOTHING RETURNING ${columns}`);
  return (
    created ??
    db.one(sql.type(paymentRow)`
      SELECT ${columns} FROM payments WHERE org_id = ${orgId} AND idempotency_key = ${p.key}`)
  );
}

/**
 * The provider's answer on a charge. A settled payment keeps its status unless the change is one
 * a provider makes later (pending → anything; completed → refunded; failed → completed when a
 * late success arrives), so webhooks and retries in any order end in the same row.
 */
export function settlePayment(
  db: Queryable,
  orgId: string,
  paymentId: string,
  to: 'pending' | 'completed' | 'failed' | 'refunded',
  providerPaymentId: string | null,
  reason: string | null,
): Promise<PaymentRow | null> {
  return db.maybeOne(sql.type(paymentRow)`
    UPDATE payments SET status = ${to},
      provider_payment_id = coalesce(provider_payment_id, ${providerPaymentId}),
      failure_reason = CASE WHEN ${to} = 'failed' THEN ${reason} ELSE failure_reason END,
      processed_at = CASE WHEN ${to} = 'pending' THEN processed_at ELSE now() END
    WHERE org_id = ${orgId} AND id = ${paymentId}
      AND (status = 'pending' OR (status = 'completed' AND ${to} = 'refunded')
        OR (status = 'failed' AND ${to} = 'completed'))
    RETURNING ${columns}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A payment by the provider's id, or by our own id from the metadata we sent when the charge's
 * answer (and so the provider's id) never reached us. Webhooks carry no organisation of ours but
 * that metadata; the payment row has it.
 */
export function findByProviderPayment(
  db: Queryable,
  provider: string,
  providerPaymentId: string,
  ours: { orgId: string; id: string } | null = null,
): Promise<(PaymentRow & { org_id: string }) | null> {
  const byOurs =
    ours && UUID.test(ours.orgId) && UUID.test(ours.id)
      ? sql.fragment`OR (org_id = ${ours.orgId} AND id = ${ours.id} AND provider_payment_id IS NULL)`
      : sql.fragment``;
  return db.maybeOne(sql.type(paymentRow.extend({ org_id: z.string().uuid() }))`
    SELECT ${columns}, org_id FROM payments
    WHERE provider = ${provider} AND (provider_payment_id = ${providerPaymentId} ${byOurs})
    LIMIT 1`);
}

/** Card charges made now (not a plan's) still pending with no answer from the provider, oldest first. */
export function unansweredCharges(
  db: Queryable,
  provider: string,
  o: { olderThanSeconds: number; limit: number },
): Promise<readonly (PaymentRow & { org_id: string })[]> {
  return db.any(sql.type(paymentRow.extend({ org_id: z.string().uuid() }))`
    SELECT ${columns}, org_id FROM payments
    WHERE status = 'pending' AND provider_payment_id IS NULL AND installment_id IS NULL
      AND method = 'card' AND provider = ${provider}
      AND created_at < now() - make_interval(secs => ${o.olderThanSeconds})
    ORDER BY created_at LIMIT ${o.limit}`);
}

/** Whether an installment has a charge the provider has not settled yet. */
export function hasPendingCharge(db: Queryable, orgId: string, installmentId: string): Promise<boolean> {
  return db.exists(sql.unsafe`
    SELECT 1 FROM payments WHERE org_id = ${orgId} AND installment_id = ${installmentId} AND status = 'pending'
      AND provider_payment_id IS NOT NULL`);
}

/** Why an installment's latest charge failed, as the provider said. */
export function lastFailureReason(
  db: Queryable,
  orgId: string,
  installmentId: string,
): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ failure_reason: z.string().nullable() }))`
    SELECT failure_reason FROM payments WHERE org_id = ${orgId} AND installment_id = ${installmentId}
      AND status = 'failed' ORDER BY created_at DESC LIMIT 1`);
}
