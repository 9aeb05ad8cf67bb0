import { record } from '../../commands/record.js';
import { freezeCard } from '../../commands/triage/freeze-card.js';
import { openDispute } from '../../commands/triage/open-dispute.js';
import { resolveAlert } from '../../commands/triage/resolve-alert.js';
import { unfreezeCard } from '../../commands/triage/unfreeze-card.js';
import * as contacts from '../../db/notify/contacts.js';
import * as runs from '../../db/triage/agent-runs.js';
import { updateCase } from '../../db/triage/cases.js';
import { getCustomer } from '../../db/customers/customers.js';
import { getTransaction } from '../../db/triage/transactions.js';
import { ConflictError, UnprocessableError } from '../../lib/domain-errors.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { deniedFreezeRequestId, triageFreezeRequestId } from '../../workflows/triage/ids.js';
import { finishAgentRun } from './agent-outcome.js';
import { workflowActor } from './deps.js';
import type { AgentContext, TriageActivities, TriageDeps } from './types.js';

type ContactAgentActivities = Pick<
  TriageActivities,
  | 'completeAgent'
  | 'prepareContact'
  | 'openDisputeForDenial'
  | 'freezeUntilReplaced'
  | 'requestReplacementCard'
  | 'liftTriageFreeze'
  | 'resolveConfirmedAlert'
  | 'escalateToSupervisor'
  | 'applyContactOutcome'
>;

/**
 * The customer-contact agent's steps, around the customerContact child workflow: creating the
 * contact (only when the card was frozen), then one small step per consequence of the answer
 * (workflows/triage/contact-outcome.ts runs them in order). Each is idempotent: the contact id
 * comes from the workflow, disputes are one per transaction, freezes and resolutions carry keys.
 */
export function createContactAgentActivities(deps: TriageDeps): ContactAgentActivities {
  const { db } = deps;

  const steps = {
    async completeAgent(input: {
      agent: string;
      batch: number;
      context: AgentContext;
      result: Record<string, unknown>;
    }) {
      await db.transaction((t) =>
        finishAgentRun(t, input.context, input.agent, input.batch, {
          status: 'completed',
          result: input.result,
        }),
      );
    },

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

    /** "Not me": the transaction's dispute (reason fraud), its workflow started after the commit. */
    async openDisputeForDenial({ context: ctx }: { context: AgentContext }) {
      if (!ctx.transactionId) return { disputeId: null };
      try {
        const opened = await openDispute(db, ctx.orgId, {
          transactionId: ctx.transactionId,
          reason: 'fraud',
          evidence: ['the customer said the payment was not theirs'],
          actor: workflowActor(),
          caseId: ctx.caseId,
        });
        await dispatchStarts(deps.temporal, db, opened.starts, { prefix: deps.taskQueuePrefix });
        return { disputeId: opened.row.id };
      } catch (err) {
        // Too old to dispute: the case records the denial; the network would refuse the dispute.
        if (err instanceof UnprocessableError) return { disputeId: null };
        throw err;
      }
    },

    /** "Not me": the card stays frozen (permanently) until a replacement is issued. */
    async freezeUntilReplaced({ context: ctx }: { context: AgentContext }) {
      if (!ctx.cardId) return;
      try {
        await freezeCard(deps, ctx.orgId, {
          cardId: ctx.cardId,
          requestId: deniedFreezeRequestId(ctx.alertId),
          reason: 'customer denied the payment; frozen until a replacement card is issued',
          temporary: false,
          actor: workflowActor(),
          caseId: ctx.caseId,
        });
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err; // a closed card needs no freeze
      }
    },

    async requestReplacementCard({ context: ctx }: { context: AgentContext }) {
      await db.transaction((t) =>
        record(t, {
          orgId: ctx.orgId,
          caseId: ctx.caseId,
          type: 'replacement_card_requested',
          actor: workflowActor(),
          data: { card_id: ctx.cardId },
          key: ctx.alertId,
          stream: false,
        }),
      );
    },

    /** "It was me": lifts only the freeze this triage placed (a freeze by staff stays). */
    async liftTriageFreeze({ context: ctx, reason }: { context: AgentContext; reason: string }) {
      if (!ctx.cardId) return;
      try {
        await unfreezeCard(deps, ctx.orgId, {
          cardId: ctx.cardId,
          reason,
          actor: workflowActor(),
          hold: triageFreezeRequestId(ctx.alertId),
          key: `contact:${ctx.alertId}`,
        });
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err; // not frozen any more
      }
    },

    /** "It was me": the alert is a false positive. Resolved meanwhile by someone else: left as they left it. */
    async resolveConfirmedAlert({ context: ctx }: { context: AgentContext }) {
      try {
        await resolveAlert(db, ctx.orgId, {
          alertId: ctx.alertId,
          resolution: 'the customer confirmed the payment',
          actions_taken: ['customer_contacted', 'card_unfrozen'],
          outcome: 'false_positive',
          actor: workflowActor(),
          key: `contact:${ctx.alertId}`,
        });
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    },

    /** No answer (or a callback asked for): a supervisor takes the case. */
    async escalateToSupervisor({ context: ctx, reason }: { context: AgentContext; reason: string }) {
      await db.transaction(async (t) => {
        await updateCase(t, ctx.orgId, ctx.caseId, { assigned_agent: 'supervisors' });
        await record(t, {
          orgId: ctx.orgId,
          caseId: ctx.caseId,
          type: 'escalated_to_supervisor',
          actor: workflowActor(),
          data: { reason },
          key: ctx.alertId,
          stream: false,
        });
      });
    },
  };

  return {
    ...steps,
    /**
     * The outcome in one activity, as runs recorded before contact-outcome-steps call it: the
     * same steps, in the order the workflow now runs them itself.
     */
    async applyContactOutcome(input) {
      const ctx = input.context;
      let result: Record<string, unknown>;
      if (input.outcome === 'no') {
        const { disputeId } = await steps.openDisputeForDenial({ context: ctx });
        await steps.freezeUntilReplaced({ context: ctx });
        await steps.requestReplacementCard({ context: ctx });
        result = {
          action: 'customer_denied',
          dispute_id: disputeId,
          card: 'frozen',
          replacement_requested: true,
        };
      } else if (input.outcome === 'yes') {
        await steps.liftTriageFreeze({ context: ctx, reason: 'the customer confirmed the payment' });
        await steps.resolveConfirmedAlert({ context: ctx });
        result = { action: 'customer_confirmed', card: 'unfrozen', outcome: 'false_positive' };
      } else {
        await steps.escalateToSupervisor({
          context: ctx,
          reason: `customer contact ended: ${input.outcome}`,
        });
        result = { action: 'escalated_to_supervisor', contact: input.outcome };
      }
      await steps.completeAgent({ ...input, result: { ...result, customer_answer: input.outcome } });
      return { resolved: input.outcome === 'yes' };
    },
  };
}
