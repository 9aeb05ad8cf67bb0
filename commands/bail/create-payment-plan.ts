import * as bonds from '../../db/bail/bonds.js';
import * as plans from '../../db/bail/payment-plans.js';
import type { Db } from '../../db/pool.js';
import { requeueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../lib/domain-errors.js';
import { isOpen } from '../../workflows/bail/bond-status.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';
import { paymentPlanStart } from './plan-start.js';

export type NewPaymentPlan = {
  installments: { seq: number; dueDate: string; amount: string }[];
  customerId: string | null;
  paymentMethodId: string;
};

/**
 * Puts a bond's premium (or what the agency finances) on a payment plan charged to a saved card:
 * one open plan per bond, installments summing to the plan's total. Its workflow is owed from the commit.
 */
export async function createPaymentPlan(
  db: Db,
  orgId: string,
  bondId: string,
  input: NewPaymentPlan,
  by: CommandActor,
): Promise<{ plan: plans.PaymentPlanRow; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    const bond = await bonds.lockBond(t, orgId, bondId);
    if (!bond) throw new NotFoundError('bond');
    if (!isOpen(bond.status)) throw new ConflictError(`A ${bond.status} bond takes no payment plan`);
    if (await plans.openPlanOfBond(t, orgId, bondId))
      throw new ConflictError('The bond already has a payment plan; cancel it first');
    const cents = input.installments.reduce((s, i) => s + Math.round(Number(i.amount) * 100), 0);
    const total = (cents / 100).toFixed(2);
    if (cents > Math.round(Number(bond.premium) * 100) * 10)
      throw new UnprocessableError(`The plan's total ${total} is far above the premium ${bond.premium}`);
    const plan = await plans.insertPaymentPlan(t, orgId, {
      bondId,
      total,
      currency: bond.currency,
      customerId: input.customerId,
      paymentMethodId: input.paymentMethodId,
      installments: input.installments,
    });
    await audit(t, orgId, by, {
      action: 'bail.payment_plan.created',
      resourceType: 'payment_plan',
      resourceId: plan.id,
      after: { bond_id: bondId, total, installments: input.installments.length },
    });
    await bailEvent(t, orgId, 'payment_plan.created', { bond_id: bondId, plan_id: plan.id, total });
    const starts = [paymentPlanStart(orgId, { id: plan.id, clientId: bond.client_id })];
    await requeueStarts(t, starts);
    return { plan, starts };
  });
}
