import {
  PaymentsDisabledError,
  type ChargeResult,
  type PaymentProvider,
} from '../../activities/bail/providers/types.js';
import * as bonds from '../../db/bail/bonds.js';
import * as payments from '../../db/bail/payments.js';
import type { Db } from '../../db/pool.js';
import { ConflictError, NotFoundError } from '../../lib/domain-errors.js';
import { isOpen } from '../../workflows/bail/bond-status.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';

/**
 * Charges a card now (a premium paid at signing), once per key: the pending payment commits
 * before the provider is called and the provider gets the same key, so a retried request (or a
 * crash mid-call) never charges twice. `input.key` comes from the client's Idempotency-Key, so a
 * retry after a lost answer resumes this payment and asks the provider again under the same key.
 * A decline is a failed payment, not an error.
 */
export async function chargeCard(
  db: Db,
  provider: PaymentProvider,
  orgId: string,
  bondId: string,
  input: { amount: string; customerId: string | null; paymentMethodId: string; key: string },
  by: CommandActor,
): Promise<payments.PaymentRow> {
  if (provider.name === 'manual') throw new PaymentsDisabledError();
  const bond = await bonds.getBond(db, orgId, bondId);
  if (!bond) throw new NotFoundError('bond');
  if (!isOpen(bond.status)) throw new ConflictError(`A ${bond.status} bond takes no payment`);
  const payment = await payments.claimCharge(db, orgId, {
    bondId,
    clientId: bond.client_id,
    installmentId: null,
    amount: input.amount,
    currency: bond.currency,
    provider: provider.name,
    key: `card:${input.key}`,
    recordedBy: by.type === 'user' ? by.id : null,
  });
  if (payment.status !== 'pending' || payment.provider_payment_id) return payment;
  const r = await provider.charge({
    amount: payment.amount,
    currency: bond.currency,
    customerId: input.customerId,
    paymentMethodId: input.paymentMethodId,
    idempotencyKey: `${orgId}:${payment.id}`,
    description: `Bond ${bond.bond_number}, premium`,
    metadata: { org_id: orgId, payment_id: payment.id, bond_id: bondId },
  });
  return settleCharge(db, orgId, payment, r, by);
}

/**
 * The provider's answer on a card charge, recorded: the payment's status, its audit row and the
 * bail event. Also the sweeper's, for a charge whose answer was lost (`null`: the provider never
 * received it, so nothing was charged).
 */
export function settleCharge(
  db: Db,
  orgId: string,
  payment: payments.PaymentRow,
  r: ChargeResult | null,
  by: CommandActor,
): Promise<payments.PaymentRow> {
  return db.transaction(async (t) => {
    const to = !r || r.status === 'failed' ? 'failed' : r.status === 'succeeded' ? 'completed' : 'pending';
    const reason = !r ? 'not_received_by_provider' : r.status === 'failed' ? r.reason : null;
    const row =
      (await payments.settlePayment(t, orgId, payment.id, to, r?.providerPaymentId ?? null, reason)) ??
      payment;
    await audit(t, orgId, by, {
      action: `bail.payment.${row.status === 'pending' ? 'processing' : row.status}`,
      resourceType: 'payment',
      resourceId: row.id,
      after: { bond_id: row.bond_id, amount: row.amount, method: 'card', reason: row.failure_reason },
    });
    if (row.status !== 'pending')
      await bailEvent(t, orgId, `payment.${row.status}`, {
        bond_id: row.bond_id,
        payment_id: row.id,
        amount: row.amount,
      });
    return row;
  });
}

/**
 * Settles card charges whose provider answer never arrived (the request timed out and the client
 * did not retry): asks the provider for each by its payment id. Run by the `bail-charges` schedule.
 */
export async function settleUnansweredCharges(
  db: Db,
  provider: PaymentProvider,
  o: { olderThanSeconds: number; limit?: number },
): Promise<{ settled: number }> {
  const rows = await payments.unansweredCharges(db, provider.name, {
    olderThanSeconds: o.olderThanSeconds,
    limit: o.limit ?? 100,
  });
  for (const p of rows) {
    await settleCharge(db, p.org_id, p, await provider.find(p.id), { type: 'system', id: 'bail-charges' });
  }
  return { settled: rows.length };
}
