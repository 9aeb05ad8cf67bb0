import { DateTime } from 'luxon';
import * as bonds from '../../db/bail/bonds.js';
import * as plans from '../../db/bail/payment-plans.js';
import { lastFailureReason } from '../../db/bail/payments.js';
import { createBailTask } from '../../db/bail/tasks.js';
import type { Db } from '../../db/pool.js';
import type { PendingStart } from '../../db/platform/workflow-starts.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { moneyText, nextChargeAt } from '../../workflows/bail/plan-schedule.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent, notifyBondParties } from './bond-parties.js';

const REASONS: Record<string, string> = {
  insufficient_funds: 'insufficient funds',
  card_declined: 'the card was declined',
  expired_card: 'the card has expired',
  authentication_required: 'the bank asked for authentication',
};

async function planAndInstallment(db: Db, orgId: string, planId: string, installmentId: string) {
  const plan = await plans.getPaymentPlan(db, orgId, planId);
  const inst = await plans.getInstallment(db, orgId, installmentId);
  if (!plan || !inst || inst.plan_id !== planId) throw new NotFoundError('installment');
  const bond = (await bonds.getBond(db, orgId, plan.bond_id))!;
  return { plan, inst, bond, timeZone: await plans.planTimeZone(db, orgId, planId) };
}

/**
 * Tells the client a charge failed and when the card is tried again, once per installment and
 * attempt. After the last attempt nothing is sent here: the delinquency notice says it.
 */
export async function sendDunningNotice(
  db: Db,
  orgId: string,
  ref: { planId: string; installmentId: string; attempt: number },
): Promise<PendingStart[]> {
  const { plan, inst, bond, timeZone } = await planAndInstallment(db, orgId, ref.planId, ref.installmentId);
  const retryAt = nextChargeAt(inst.due_date, timeZone, ref.attempt);
  if (retryAt === null || inst.status !== 'failed') return [];
  const reason = await lastFailureReason(db, orgId, inst.id);
  const amount = moneyText(inst.amount, plan.currency);
  const retry = DateTime.fromMillis(retryAt, { zone: timeZone }).toFormat('cccc, LLLL d');
  return db.transaction((t) =>
    notifyBondParties(t, orgId, bond, {
      kind: 'bail_payment_failed',
      title: 'Bond payment failed',
      message: `We could not charge ${amount} for payment ${inst.seq} on bond ${bond.bond_number}${reason ? ` (${REASONS[reason] ?? reason})` : ''}. We will try your card again on ${retry}. Update your card with your agent if needed.`,
      metadata: {
        plan_id: plan.id,
        installment: inst.seq,
        amount: inst.amount,
        attempt: ref.attempt,
        retry_at: new Date(retryAt).toISOString(),
      },
      key: `bail:dunning:${inst.id}:${ref.attempt}`,
      clientOnly: true,
    }),
  );
}

/**
 * Every attempt at an installment failed: the plan is delinquent, the agent gets a high-priority
 * task, and the client and indemnitors (who answer for the bond) are told.
 */
export async function markPlanDelinquent(
  db: Db,
  orgId: string,
  ref: { planId: string; installmentId: string },
  by: CommandActor,
): Promise<PendingStart[]> {
  const { plan, inst, bond } = await planAndInstallment(db, orgId, ref.planId, ref.installmentId);
  return db.transaction(async (t) => {
    if (!(await plans.setPlanStatus(t, orgId, plan.id, 'delinquent', ['active']))) return [];
    await createBailTask(t, orgId, {
      bondId: bond.id,
      type: 'plan_delinquent',
      priority: 'high',
      title: `Payment plan delinquent: bond ${bond.bond_number}, payment ${inst.seq} unpaid`,
      details: { plan_id: plan.id, installment: inst.seq, amount: inst.amount, attempts: inst.attempts },
      assignedTo: bond.created_by,
      dedupKey: `delinquent:${inst.id}`,
    });
    await audit(t, orgId, by, {
      action: 'bail.payment_plan.delinquent',
      resourceType: 'payment_plan',
      resourceId: plan.id,
      before: { status: 'active' },
      after: { status: 'delinquent', installment: inst.seq },
    });
    await bailEvent(t, orgId, 'payment_plan.delinquent', {
      bond_id: bond.id,
      plan_id: plan.id,
      installment: inst.seq,
      priority: 'high',
    });
    return notifyBondParties(t, orgId, bond, {
      kind: 'bail_plan_delinquent',
      title: 'Bond payment past due',
      message: `Payment ${inst.seq} of ${moneyText(inst.amount, plan.currency)} on bond ${bond.bond_number} is past due after ${inst.attempts} attempts. Please call your bail agent today.`,
      metadata: { plan_id: plan.id, installment: inst.seq, amount: inst.amount },
      key: `bail:delinquent:${inst.id}`,
    });
  });
}

/** Every installment is paid: the plan is paid (once). */
export async function completePaymentPlan(
  db: Db,
  orgId: string,
  planId: string,
  by: CommandActor,
): Promise<void> {
  await db.transaction(async (t) => {
    const open = (await plans.listInstallments(t, orgId, planId)).some(
      (i) => i.status === 'pending' || i.status === 'failed',
    );
    if (open) return;
    const plan = await plans.setPlanStatus(t, orgId, planId, 'paid', ['active', 'delinquent']);
    if (!plan) return;
    await audit(t, orgId, by, {
      action: 'bail.payment_plan.paid',
      resourceType: 'payment_plan',
      resourceId: planId,
      after: { status: 'paid' },
    });
    await bailEvent(t, orgId, 'payment_plan.paid', { bond_id: plan.bond_id, plan_id: planId });
  });
}
