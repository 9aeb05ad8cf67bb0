import { condition, continueAsNew, setHandler } from '@temporalio/workflow';
import { acts } from './activity-options.js';
import { paymentEventSignal, planCancelledSignal, planPaidSignal } from './messages.js';
import { nextChargeAt } from './plan-schedule.js';

export type PaymentPlanInput = { orgId: string; planId: string };
export type PaymentPlanResult = { status: 'paid' | 'cancelled' };

/**
 * A bond's payment plan (`bond-plan-<planId>`): each installment is charged off-session at 10:00
 * on its due date in the client's zone; a failed charge is retried 1, 3 and 7 days later with a
 * notice each time, and then the plan is delinquent and the agent alerted. A charge the provider
 * is still processing waits for its webhook. After each paid installment it continues as new.
 * The database holds the truth: every signal only makes the workflow read it again.
 */
export async function paymentPlan(input: PaymentPlanInput): Promise<PaymentPlanResult> {
  const ref = { orgId: input.orgId, planId: input.planId };
  let changed = false;
  setHandler(paymentEventSignal, () => void (changed = true));
  setHandler(planPaidSignal, () => void (changed = true));
  setHandler(planCancelledSignal, () => void (changed = true));
  const woken = () => changed;
  // The installment this run was started for; the next one starts a fresh history.
  let current: string | undefined;
  const noticed = new Set<string>();

  for (;;) {
    changed = false;
    const plan = await acts.loadPaymentPlan(ref);
    if (plan.status === 'cancelled') return { status: 'cancelled' };
    const due = plan.next;
    if (!due) {
      await acts.completePaymentPlan(ref);
      return { status: 'paid' };
    }
    if (current && due.id !== current) return continueAsNew<typeof paymentPlan>(ref);
    current = due.id;
    if (due.processing) {
      // The provider has the charge; its webhook says how it ended.
      await condition(woken, '3 days');
      continue;
    }
    const notice = `${due.id}:${due.attempts}`;
    if (due.failed && !noticed.has(notice)) {
      // Each failed attempt is told once (the activity is idempotent too; this saves the call).
      await acts.sendDunningNotice({ ...ref, installmentId: due.id, attempt: due.attempts });
      noticed.add(notice);
    }
    const at = nextChargeAt(due.dueDate, plan.timeZone, due.attempts);
    if (at === null) {
      if (plan.status !== 'delinquent') await acts.markPlanDelinquent({ ...ref, installmentId: due.id });
      // Delinquent: only the agent (a payment recorded, the plan cancelled) or a late webhook moves it.
      await condition(woken);
      continue;
    }
    if (at > Date.now() && (await condition(woken, at - Date.now()))) continue;
    await acts.chargeInstallment({ ...ref, installmentId: due.id, attempt: due.attempts + 1 });
  }
}
