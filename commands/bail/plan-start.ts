import type { PendingStart } from '../../db/platform/workflow-starts.js';
import { paymentPlanWorkflowId } from '../../workflows/bail/ids.js';

/** What a plan's run is told after a commit (temporal/clients/bail.ts sends it). */
export type PlanSignal =
  | { type: 'started' }
  | { type: 'payment_event'; eventType: string; providerPaymentId: string }
  | { type: 'paid' }
  | { type: 'cancelled' };

/**
 * The payment-plan run a plan is owed, with what to tell it: signal-with-start, so it is safe to
 * repeat, and owed again at every change (the sweeper sends it if the send after the commit fails).
 */
export const paymentPlanStart = (
  orgId: string,
  plan: { id: string; clientId: string },
  signal: PlanSignal = { type: 'started' },
): PendingStart => ({
  workflow_id: paymentPlanWorkflowId(plan.id),
  org_id: orgId,
  kind: 'payment_plan',
  subject_id: plan.id,
  customer_id: plan.clientId,
  priority: null,
  input: { signal },
});
