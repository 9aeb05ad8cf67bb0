import { executeChild, patched, uuid4 } from '@temporalio/workflow';
import type { AgentContext, ContactOutcome } from '../../activities/triage/types.js';
import { customerContact } from '../notify/customer-contact.js';
import { contactWorkflowId } from '../notify/ids.js';
import { siblingTaskQueue } from '../task-queue.js';
import { acts, agentActs } from './activity-options.js';
import type { WorkflowAgentRun } from './agent-runner.js';
import { CONFIRMED_REASON, contactResult, noAnswerReason } from './contact-answers.js';

/**
 * The customer-contact agent: asks the customer (a customerContact child on the notify queue)
 * whether they made the payment, then acts on the answer, one small activity per consequence.
 */
export const runCustomerContact: WorkflowAgentRun = async ({ agent, batch, context }) => {
  const prepared = await agentActs['customer-contact'].prepareContact({ agent, context, contactId: uuid4() });
  if ('skip' in prepared) {
    const result = { action: 'no_contact', reason: prepared.skip };
    await acts.completeAgent({ agent, batch, context, result });
    return { result };
  }
  const contact = await executeChild(customerContact, {
    workflowId: contactWorkflowId(prepared.contactId),
    taskQueue: siblingTaskQueue('triage', 'notify'),
    args: [{ orgId: context.orgId, contactId: prepared.contactId }],
  });
  // Runs recorded before the steps were split act on the answer in one activity.
  if (!patched('contact-outcome-steps')) {
    return acts.applyContactOutcome({ agent, batch, context, outcome: contact.outcome });
  }
  const disputeId = await actOnAnswer(context, contact.outcome);
  await acts.completeAgent({ agent, batch, context, result: contactResult(contact.outcome, disputeId) });
  return { resolved: contact.outcome === 'yes' };
};

/**
 * "Not me": dispute the payment, keep the card frozen until a replacement is issued, request it.
 * "It was me": lift this triage's freeze and resolve as a false positive. No answer: a supervisor
 * takes the case. Returns the dispute opened, if any.
 */
async function actOnAnswer(context: AgentContext, outcome: ContactOutcome): Promise<string | null> {
  if (outcome === 'no') {
    const { disputeId } = await acts.openDisputeForDenial({ context });
    await acts.freezeUntilReplaced({ context });
    await acts.requestReplacementCard({ context });
    return disputeId;
  }
  if (outcome === 'yes') {
    await acts.liftTriageFreeze({ context, reason: CONFIRMED_REASON });
    await acts.resolveConfirmedAlert({ context });
    return null;
  }
  await acts.escalateToSupervisor({ context, reason: noAnswerReason(outcome) });
  return null;
}
