import type { ChargeOutcome } from '../../activities/bail/types.js';
import type { PaymentProvider } from '../../activities/bail/providers/types.js';
import * as bonds from '../../db/bail/bonds.js';
import * as plans from '../../db/bail/payment-plans.js';
import * as payments from '../../db/bail/payments.js';
import type { Db } from '../../db/pool.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';

/**
 * Charges one attempt of an installment to the plan's saved card. The payment row (pending, keyed
 * by installment and attempt) commits before the provider is called, and the provider gets the
 * same key, so a crash anywhere in between ends, on retry, in the first charge's answer.
 */
export async function chargeInstallment(
  db: Db,
  provider: PaymentProvider,
  orgId: string,
  ref: { planId: string; installmentId: string; attempt: number },
  by: CommandActor,
): Promise<{ status: ChargeOutcome }> {
  // The plan is locked while the charge is claimed, as settling and cancelling lock it: either the
  // pending payment commits first (and they answer 409 until it settles) or they do (and this skips).
  const claimed = await db.transaction(async (t) => {
    const plan = await plans.lockPaymentPlan(t, orgId, ref.planId);
    const inst = await plans.getInstallment(t, orgId, ref.installmentId);
    if (!plan || !inst || inst.plan_id !== plan.id) throw new NotFoundError('installment');
    if (inst.status === 'paid') return { done: 'succeeded' as const };
    if (plan.status === 'paid' || plan.status === 'cancelled' || inst.status === 'cancelled')
      return { done: 'skipped' as const };
    const bond = (await bonds.getBond(t, orgId, plan.bond_id))!;
    const payment = await payments.claimCharge(t, orgId, {
      bondId: bond.id,
      clientId: bond.client_id,
      installmentId: inst.id,
      amount: inst.amount,
      currency: plan.currency,
      provider: provider.name,
      key: `plan:${inst.id}:${ref.attempt}`,
      recordedBy: null,
    });
    return { done: null, plan, inst, bond, payment };
  });
  if (claimed.done) return { status: claimed.done };
  const { plan, inst, bond, payment } = claimed;
  if (payment.status === 'completed') return { status: 'succeeded' };
  if (payment.status !== 'pending') return { status: 'failed' };
  const r = await provider.charge({
    amount: inst.amount,
    currency: plan.currency,
    customerId: plan.provider_customer_id,
    paymentMethodId: plan.provider_payment_method_id ?? '',
    idempotencyKey: `${orgId}:${payment.id}`,
    description: `Bond ${bond.bond_number}, installment ${inst.seq}`,
    metadata: { org_id: orgId, payment_id: payment.id, plan_id: plan.id, installment_seq: String(inst.seq) },
  });
  const to = r.status === 'succeeded' ? 'completed' : r.status === 'processing' ? 'pending' : 'failed';
  await db.transaction(async (t) => {
    await payments.settlePayment(
      t,
      orgId,
      payment.id,
      to,
      r.providerPaymentId,
      r.status === 'failed' ? r.reason : null,
    );
    await plans.recordInstallmentAttempt(
      t,
      orgId,
      inst.id,
      ref.attempt,
      r.status === 'succeeded' ? 'paid' : r.status === 'processing' ? 'processing' : 'failed',
    );
    await audit(t, orgId, by, {
      action: `bail.payment.${r.status === 'succeeded' ? 'completed' : r.status === 'failed' ? 'failed' : 'processing'}`,
      resourceType: 'payment',
      resourceId: payment.id,
      after: {
        plan_id: plan.id,
        installment: inst.seq,
        attempt: ref.attempt,
        amount: inst.amount,
        ...(r.status === 'failed' && { reason: r.reason }),
      },
    });
    if (r.status !== 'processing')
      await bailEvent(t, orgId, r.status === 'succeeded' ? 'payment.completed' : 'payment.failed', {
        bond_id: bond.id,
        plan_id: plan.id,
        payment_id: payment.id,
        installment: inst.seq,
        amount: inst.amount,
      });
  });
  return { status: r.status };
}
