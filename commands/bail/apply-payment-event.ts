import type { PaymentEvent } from '../../activities/bail/providers/types.js';
import * as bonds from '../../db/bail/bonds.js';
import * as plans from '../../db/bail/payment-plans.js';
import * as payments from '../../db/bail/payments.js';
import type { Db } from '../../db/pool.js';
import { requeueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { closeDelinquencyTasks } from '../../db/bail/tasks.js';
import type { CommandActor } from '../audited.js';
import { audit } from '../audited.js';
import { bailEvent } from './bond-parties.js';
import { paymentPlanStart } from './plan-start.js';

const TO = {
  'payment_intent.succeeded': 'completed',
  'payment_intent.payment_failed': 'failed',
  'charge.refunded': 'refunded',
} as const;

/**
 * A provider's report on a charge (a verified webhook): the payment and its installment take the
 * new status, and the plan's run is told. Repeats and reports on payments we never made change
 * nothing; the order of reports does not matter (settlePayment allows only forward moves).
 */
export async function applyPaymentEvent(
  db: Db,
  provider: string,
  e: PaymentEvent,
): Promise<{ applied: boolean; starts: PendingStart[] }> {
  const found = await payments.findByProviderPayment(db, provider, e.providerPaymentId, e.payment);
  if (!found) return { applied: false, starts: [] };
  const orgId = found.org_id;
  const by: CommandActor = { type: 'system', id: `${provider}-webhook` };
  return db.transaction(async (t) => {
    const row = await payments.settlePayment(
      t,
      orgId,
      found.id,
      TO[e.type],
      e.providerPaymentId || null,
      e.reason,
    );
    if (!row) return { applied: false, starts: [] };
    const inst = row.installment_id ? await plans.getInstallment(t, orgId, row.installment_id) : null;
    if (inst && e.type !== 'charge.refunded')
      await plans.recordInstallmentAttempt(
        t,
        orgId,
        inst.id,
        inst.attempts,
        e.type === 'payment_intent.succeeded' ? 'paid' : 'failed',
      );
    // The late payment of the installment that made the plan delinquent makes it current again.
    const current =
      inst && e.type === 'payment_intent.succeeded'
        ? await plans.setPlanStatus(t, orgId, inst.plan_id, 'active', ['delinquent'])
        : null;
    if (current) {
      await closeDelinquencyTasks(t, orgId, current.id);
      await audit(t, orgId, by, {
        action: 'bail.payment_plan.current',
        resourceType: 'payment_plan',
        resourceId: current.id,
        before: { status: 'delinquent' },
        after: { status: 'active', payment_id: row.id },
      });
      await bailEvent(t, orgId, 'payment_plan.current', { bond_id: row.bond_id, plan_id: current.id });
    }
    await audit(t, orgId, by, {
      action: `bail.payment.${row.status}`,
      resourceType: 'payment',
      resourceId: row.id,
      after: { event: e.type, event_id: e.id, ...(e.reason && { reason: e.reason }) },
    });
    await bailEvent(
      t,
      orgId,
      `payment.${row.status}`,
      { bond_id: row.bond_id, payment_id: row.id, amount: row.amount },
      `${provider}:${e.id}`,
    );
    const bond = await bonds.getBond(t, orgId, row.bond_id);
    const starts =
      inst && bond
        ? [
            paymentPlanStart(
              orgId,
              { id: inst.plan_id, clientId: bond.client_id },
              { type: 'payment_event', eventType: e.type, providerPaymentId: e.providerPaymentId },
            ),
          ]
        : [];
    await requeueStarts(t, starts);
    return { applied: true, starts };
  });
}
