import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { disputeActs as acts } from './activity-options.js';
import { DAY_MS as DAY, REMINDER_DAYS } from './dispute-rules.js';
import { disputeOutcomeSignal, disputeStatusQuery, submitDisputeSignal } from './messages.js';

export type DisputeLifecycleInput = { orgId: string; disputeId: string; submitBy: string };

/**
 * An issuer-side dispute (`dispute-<disputeId>`): unsubmitted → submitted → won | lost, or
 * expired when the submit-by deadline passes unsubmitted. Reminders go out before the deadline.
 */
export async function disputeLifecycle(input: DisputeLifecycleInput) {
  let status: 'unsubmitted' | 'submitted' | 'won' | 'lost' | 'expired' = 'unsubmitted';
  let submission: { evidence: unknown[]; actor: string } | null = null;
  let outcome: { result: 'won' | 'lost'; actor: string } | null = null;
  setHandler(disputeStatusQuery, () => ({ status, submitBy: input.submitBy }));
  setHandler(submitDisputeSignal, (s) => {
    if (status === 'unsubmitted') submission ??= s;
  });
  setHandler(disputeOutcomeSignal, (o) => {
    outcome ??= o;
  });

  const deadline = Date.parse(input.submitBy);
  for (const days of REMINDER_DAYS) {
    const at = deadline - days * DAY;
    if (at <= Date.now()) continue;
    if (await condition(() => submission !== null, at - Date.now())) break;
    await acts.disputeReminder({ orgId: input.orgId, disputeId: input.disputeId, daysLeft: days });
  }
  const submitted =
    submission !== null || (await condition(() => submission !== null, Math.max(deadline - Date.now(), 1)));
  if (!submitted) {
    await acts.expireDispute({ orgId: input.orgId, disputeId: input.disputeId });
    status = 'expired';
    return { status, workflowId: workflowInfo().workflowId };
  }
  await acts.submitDispute({ orgId: input.orgId, disputeId: input.disputeId, ...submission! });
  status = 'submitted';
  await condition(() => outcome !== null);
  await acts.resolveDispute({ orgId: input.orgId, disputeId: input.disputeId, ...outcome! });
  status = outcome!.result;
  return { status, workflowId: workflowInfo().workflowId };
}
