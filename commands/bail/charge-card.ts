import type { PaymentProvider } from '../../activities/bail/providers/types.js';
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
 * crash mid-call) never charges twice. A decline is a failed payment, not an error.
 */
export async function chargeCard(
  db: Db,
  provider: PaymentProvider,
  orgId: string,
  bondId: string,
  input: { amount: string; customerId: string | null; paymentMethodId: string; key: string },
  by: CommandActor,
): Promise<payments.PaymentRow> {
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
  return db.transaction(async (t) => {
    const to = r.status === 'succeeded' ? 'completed' : r.status === 'processing' ? 'pending' : 'failed';
    const row =
      (await payments.settlePayment(
        t,
        orgId,
        payment.id,
        to,
        r.providerPaymentId,
        r.status === 'failed' ? r.reason : null,
      )) ?? payment;
    await audit(t, orgId, by, {
      action: `bail.payment.${row.status === 'pending' ? 'processing' : row.status}`,
      resourceType: 'payment',
      resourceId: row.id,
      after: { bond_id: bondId, amount: row.amount, method: 'card', reason: row.failure_reason },
    });
    if (row.status !== 'pending')
      await bailEvent(t, orgId, `payment.${row.status}`, {
        bond_id: bondId,
        payment_id: row.id,
        amount: row.amount,
      });
    return row;
  });
}
