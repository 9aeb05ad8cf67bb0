import * as bonds from '../../db/bail/bonds.js';
import * as plans from '../../db/bail/payment-plans.js';
import { insertManualPayment, PAYMENT_METHODS } from '../../db/bail/payments.js';
import type { Db, Queryable } from '../../db/pool.js';
import { requeueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { ConflictError, NotFoundError } from '../../lib/domain-errors.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';
import { paymentPlanStart } from './plan-start.js';

/**
 * A card charge of the plan's that the provider has not settled (in flight, or processing): the
 * money may still move, so the plan cannot be settled or cancelled under it. Called with the plan
 * locked, as chargeInstallment claims its charge.
 */
async function refuseWhileCharging(t: Queryable, orgId: string, planId: string): Promise<void> {
  const seq = await plans.installmentCharging(t, orgId, planId);
  if (seq !== null)
    throw new ConflictError(
      `Installment ${seq} is being charged (the provider has not answered yet); try again once it settles`,
    );
}

/** Cancels a plan: no more charges; its unpaid installments are cancelled. */
export async function cancelPaymentPlan(
  db: Db,
  orgId: string,
  planId: string,
  reason: string | null,
  by: CommandActor,
): Promise<{ plan: plans.PaymentPlanRow; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    const before = await plans.lockPaymentPlan(t, orgId, planId);
    if (!before) throw new NotFoundError('payment plan');
    await refuseWhileCharging(t, orgId, planId);
    const plan = await plans.setPlanStatus(t, orgId, planId, 'cancelled', ['active', 'delinquent']);
    if (!plan) throw new ConflictError(`A ${before.status} plan cannot be cancelled`);
    await plans.closeUnpaidInstallments(t, orgId, planId, 'cancelled');
    const bond = await bonds.getBond(t, orgId, plan.bond_id);
    await audit(t, orgId, by, {
      action: 'bail.payment_plan.cancelled',
      resourceType: 'payment_plan',
      resourceId: planId,
      before: { status: before.status },
      after: { status: 'cancelled', reason },
    });
    await bailEvent(t, orgId, 'payment_plan.cancelled', { bond_id: plan.bond_id, plan_id: planId });
    const starts = [
      paymentPlanStart(orgId, { id: planId, clientId: bond!.client_id }, { type: 'cancelled' }),
    ];
    await requeueStarts(t, starts);
    return { plan, starts };
  });
}

/**
 * The client paid the rest another way (cash at the office, a transfer): one manual payment for
 * the unpaid installments, which are marked paid, and the plan is paid. Once per key.
 */
export async function settlePaymentPlan(
  db: Db,
  orgId: string,
  planId: string,
  input: { method: Exclude<(typeof PAYMENT_METHODS)[number], 'card'>; reference: string | null; key: string },
  by: CommandActor,
): Promise<{ plan: plans.PaymentPlanRow; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    const before = await plans.lockPaymentPlan(t, orgId, planId);
    if (!before) throw new NotFoundError('payment plan');
    if (before.status !== 'active' && before.status !== 'delinquent')
      throw new ConflictError(`A ${before.status} plan has nothing left to pay`);
    await refuseWhileCharging(t, orgId, planId);
    const bond = (await bonds.getBond(t, orgId, before.bond_id))!;
    const closed = await plans.closeUnpaidInstallments(t, orgId, planId, 'paid');
    const cents = closed.reduce((s, i) => s + Math.round(Number(i.amount) * 100), 0);
    if (cents > 0)
      await insertManualPayment(t, orgId, {
        bondId: bond.id,
        clientId: bond.client_id,
        amount: (cents / 100).toFixed(2),
        currency: before.currency,
        method: input.method,
        reference: input.reference,
        key: input.key,
        recordedBy: by.type === 'user' ? by.id : null,
      });
    const plan = (await plans.setPlanStatus(t, orgId, planId, 'paid', ['active', 'delinquent']))!;
    await audit(t, orgId, by, {
      action: 'bail.payment_plan.settled',
      resourceType: 'payment_plan',
      resourceId: planId,
      before: { status: before.status },
      after: { status: 'paid', amount: (cents / 100).toFixed(2), method: input.method },
    });
    await bailEvent(t, orgId, 'payment_plan.paid', { bond_id: bond.id, plan_id: planId });
    const starts = [paymentPlanStart(orgId, { id: planId, clientId: bond.client_id }, { type: 'paid' })];
    await requeueStarts(t, starts);
    return { plan, starts };
  });
}
