import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import * as actions from '../../db/triage/alert-actions.js';
import * as contacts from '../../db/notify/contacts.js';
import * as runs from '../../db/triage/agent-runs.js';
import { appendCaseEvent, updateCase } from '../../db/triage/cases.js';
import { getCustomer } from '../../db/triage/customers.js';
import * as disputes from '../../db/triage/disputes.js';
import { getTransaction } from '../../db/triage/transactions.js';
import { requestCardFreeze, cardFreezeWorkflowId } from '../../temporal/card-freeze.js';
import { CustomerId, Domain, OrgId } from '../../temporal/search-attributes.js';
import { taskQueue } from '../../temporal/task-queues.js';
import { disputeId } from '../../temporal/workflow-ids.js';
import { submitByDeadline } from '../../workflows/triage/dispute-rules.js';
import { unfreezeSignal } from '../../workflows/triage/messages.js';
import { finishAgentRun } from './agent-outcome.js';
import { triageFreezeRequestId } from './agents/card-manager.js';
import { workflowActor, type AgentContext, type TriageDeps } from './deps.js';

export type ContactOutcome = 'yes' | 'no' | 'no_reply' | 'sent' | 'callback_requested';

/**
 * The customer-contact agent's two ends, around the customerContact child workflow: starting the
 * contact (only when the card was frozen), and acting on the answer. Idempotent: the contact id
 * comes from the workflow, disputes are one per transaction, freezes and resolutions carry keys.
 */
export function createContactAgentActivities(deps: TriageDeps) {
  const { db } = deps;

  const complete = (ctx: AgentContext, agent: string, batch: number, result: Record<string, unknown>) =>
    db.transaction((t) => finishAgentRun(t, ctx, agent, batch, { status: 'completed', result }));

  return {
    completeAgent: (input: {
      agent: string;
      batch: number;
      context: AgentContext;
      result: Record<string, unknown>;
    }) => complete(input.context, input.agent, input.batch, input.result),

    /** Creates the contact when the card was frozen and the customer can be reached; else says why not. */
    async prepareContact(input: { agent: string; context: AgentContext; contactId: string }) {
      const ctx = input.context;
      await runs.markRunning(db, ctx.orgId, ctx.alertId, input.agent);
      if (ctx.inputs['card-manager']?.action !== 'card_frozen') {
        return { skip: 'the card was not frozen; no need to ask the customer' };
      }
      const customer = await getCustomer(db, ctx.orgId, ctx.customerId);
      if (!customer?.phone && !customer?.email) return { skip: 'the customer has no phone or email' };
      const tx = ctx.transactionId ? await getTransaction(db, ctx.orgId, ctx.transactionId) : null;
      const existing = await contacts.getContact(db, ctx.orgId, input.contactId);
      if (!existing) {
        await contacts.insertContact(db, ctx.orgId, {
          id: input.contactId,
          customer_id: ctx.customerId,
          case_id: ctx.caseId,
          template: 'fraud_verification',
          variables: {
            amount: tx ? `${tx.amount} ${tx.currency}` : 'a recent payment',
            merchant: tx?.merchant_name ?? 'an unknown merchant',
          },
          channels: customer.phone ? ['sms', 'email'] : ['email'],
          expect_reply: true,
          reply_timeout_seconds: 24 * 3600,
        });
      }
      return { contactId: input.contactId };
    },

    /**
     * Acts on the answer. Not them: open a dispute, keep the card frozen until a replacement is
     * issued, request one. Them: unfreeze and resolve as false_positive. No answer: escalate the
     * case to a supervisor. Returns whether the alert is now resolved.
     */
    async applyContactOutcome(input: {
      agent: string;
      batch: number;
      context: AgentContext;
      outcome: ContactOutcome;
    }) {
      const ctx = input.context;
      const actor = workflowActor();
      let result: Record<string, unknown>;
      let resolved = false;
      if (input.outcome === 'no') {
        const tx = ctx.transactionId ? await getTransaction(db, ctx.orgId, ctx.transactionId) : null;
        let dispute: disputes.DisputeRow | null = null;
        if (tx) {
          dispute = (
            await disputes.openDispute(db, ctx.orgId, {
              transaction_id: tx.id,
              customer_id: ctx.customerId,
              case_id: ctx.caseId,
              reason: 'fraud',
              amount: tx.amount.replace('-', ''),
              evidence: ['the customer said the payment was not theirs'],
              submit_by: submitByDeadline(tx.transaction_date, 'fraud'),
            })
          ).row;
          await deps.temporal.workflow
            .start('disputeLifecycle', {
              workflowId: disputeId(dispute.id),
              taskQueue: taskQueue('triage', deps.taskQueuePrefix),
              args: [{ orgId: ctx.orgId, disputeId: dispute.id, submitBy: dispute.submit_by }],
              workflowIdConflictPolicy: 'USE_EXISTING',
              typedSearchAttributes: [
                { key: OrgId, value: ctx.orgId },
                { key: CustomerId, value: ctx.customerId },
                { key: Domain, value: 'triage' },
              ],
            })
            .catch((err: unknown) => {
              if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
            });
        }
        if (ctx.cardId) {
          await requestCardFreeze(deps.temporal, {
            orgId: ctx.orgId,
            cardId: ctx.cardId,
            customerId: ctx.customerId,
            taskQueuePrefix: deps.taskQueuePrefix,
            request: {
              requestId: `contact-${ctx.alertId}`,
              reason: 'customer denied the payment; frozen until a replacement card is issued',
              temporary: false,
              actor,
              caseId: ctx.caseId,
            },
          });
        }
        await appendCaseEvent(db, ctx.orgId, {
          case_id: ctx.caseId,
          type: 'replacement_card_requested',
          actor,
          data: { card_id: ctx.cardId },
          dedup_key: `replacement:${ctx.alertId}`,
        });
        result = {
          action: 'customer_denied',
          dispute_id: dispute?.id ?? null,
          card: 'frozen',
          replacement_requested: true,
        };
      } else if (input.outcome === 'yes') {
        if (ctx.cardId) {
          await deps.temporal.workflow
            .getHandle(cardFreezeWorkflowId(ctx.cardId))
            .signal(unfreezeSignal, {
              reason: 'the customer confirmed the payment',
              actor,
              // Only the freeze this triage placed (activities/triage/agents/card-manager.ts).
              hold: triageFreezeRequestId(ctx.alertId),
            })
            .catch((err: unknown) => {
              if (!(err instanceof WorkflowNotFoundError)) throw err;
            });
        }
        await actions
          .resolveAlert(db, ctx.orgId, {
            alertId: ctx.alertId,
            resolution: 'the customer confirmed the payment',
            actions_taken: ['customer_contacted', 'card_unfrozen'],
            outcome: 'false_positive',
            actor: { type: 'workflow', id: actor },
            key: `contact:${ctx.alertId}`,
          })
          .catch((err: unknown) => {
            if (!(err instanceof actions.AlertStateError)) throw err;
          });
        result = { action: 'customer_confirmed', card: 'unfrozen', outcome: 'false_positive' };
        resolved = true;
      } else {
        await updateCase(db, ctx.orgId, ctx.caseId, { assigned_agent: 'supervisors' });
        await appendCaseEvent(db, ctx.orgId, {
          case_id: ctx.caseId,
          type: 'escalated_to_supervisor',
          actor,
          data: { reason: `customer contact ended: ${input.outcome}` },
          dedup_key: `escalate_supervisor:${ctx.alertId}`,
        });
        result = { action: 'escalated_to_supervisor', contact: input.outcome };
      }
      await complete(ctx, input.agent, input.batch, { ...result, customer_answer: input.outcome });
      return { resolved };
    },
  };
}
