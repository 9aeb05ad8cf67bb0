import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CourtSignal } from '../../commands/bail/court-start.js';
import type { DocumentSignal } from '../../commands/bail/document-start.js';
import type { PlanSignal } from '../../commands/bail/plan-start.js';
import type { documentSigning } from '../../workflows/bail/document-signing.js';
import type { courtReminders } from '../../workflows/bail/court-reminders.js';
import {
  courtRemindersWorkflowId,
  documentSigningWorkflowId,
  paymentPlanWorkflowId,
} from '../../workflows/bail/ids.js';
import {
  appearancesChangedSignal,
  bondClosedSignal,
  envelopeStatusSignal,
  outcomeSignal,
  paymentEventSignal,
  planCancelledSignal,
  planPaidSignal,
  reinstatedSignal,
  rescheduledSignal,
} from '../../workflows/bail/messages.js';
import type { paymentPlan } from '../../workflows/bail/payment-plan.js';
import { CustomerId, Domain, OrgId } from '../../workflows/search-attributes.js';
import { taskQueue } from '../task-queues.js';
import { withDeadline, type StartOptions } from './deadline.js';

type Bond = { orgId: string; bondId: string; clientId: string };

/**
 * Tells a bond's court-reminder run (`bond-court-<bondId>`) what changed, starting it when none
 * runs (a first court date, or a run that ended): signal-with-start, so it is safe to repeat.
 * A closed bond only signals a running run: nothing to start for it.
 */
export async function tellCourtReminders(
  client: Client,
  bond: Bond,
  signal: CourtSignal,
  o: StartOptions = {},
): Promise<void> {
  const workflowId = courtRemindersWorkflowId(bond.bondId);
  if (signal.type === 'closed') {
    try {
      await withDeadline(client, o, () => client.workflow.getHandle(workflowId).signal(bondClosedSignal));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    return;
  }
  const options = {
    workflowId,
    taskQueue: taskQueue('bail', o.prefix),
    args: [{ orgId: bond.orgId, bondId: bond.bondId }] as Parameters<typeof courtReminders>,
    typedSearchAttributes: [
      { key: OrgId, value: bond.orgId },
      { key: CustomerId, value: bond.clientId },
      { key: Domain, value: 'bail' },
    ],
  };
  await withDeadline(client, o, () => {
    switch (signal.type) {
      case 'rescheduled':
        return client.workflow.signalWithStart('courtReminders', {
          ...options,
          signal: rescheduledSignal,
          signalArgs: [
            {
              appearanceId: signal.appearanceId,
              newAppearanceId: signal.newAppearanceId,
              newTime: signal.newTime,
            },
          ],
        });
      case 'outcome':
        return client.workflow.signalWithStart('courtReminders', {
          ...options,
          signal: outcomeSignal,
          signalArgs: [{ appearanceId: signal.appearanceId, outcome: signal.outcome }],
        });
      case 'reinstated':
        return client.workflow.signalWithStart('courtReminders', {
          ...options,
          signal: reinstatedSignal,
          signalArgs: [],
        });
      default:
        return client.workflow.signalWithStart('courtReminders', {
          ...options,
          signal: appearancesChangedSignal,
          signalArgs: [],
        });
    }
  });
}

/**
 * Starts a payment plan's run (`bond-plan-<planId>`) or tells it what changed: signal-with-start,
 * so it is safe to repeat. A plan that ended (paid, cancelled) is started only to read that and end.
 */
export async function tellPaymentPlan(
  client: Client,
  plan: { orgId: string; planId: string; clientId: string },
  signal: PlanSignal,
  o: StartOptions = {},
): Promise<void> {
  const options = {
    workflowId: paymentPlanWorkflowId(plan.planId),
    taskQueue: taskQueue('bail', o.prefix),
    args: [{ orgId: plan.orgId, planId: plan.planId }] as Parameters<typeof paymentPlan>,
    typedSearchAttributes: [
      { key: OrgId, value: plan.orgId },
      { key: CustomerId, value: plan.clientId },
      { key: Domain, value: 'bail' },
    ],
  };
  await withDeadline(client, o, () => {
    switch (signal.type) {
      case 'payment_event':
        return client.workflow.signalWithStart('paymentPlan', {
          ...options,
          signal: paymentEventSignal,
          signalArgs: [{ type: signal.eventType, providerPaymentId: signal.providerPaymentId }],
        });
      case 'paid':
        return client.workflow.signalWithStart('paymentPlan', {
          ...options,
          signal: planPaidSignal,
          signalArgs: [],
        });
      case 'cancelled':
        return client.workflow.signalWithStart('paymentPlan', {
          ...options,
          signal: planCancelledSignal,
          signalArgs: [],
        });
      default:
        return client.workflow
          .start('paymentPlan', { ...options, workflowIdConflictPolicy: 'USE_EXISTING' })
          .then(() => undefined);
    }
  });
}

/**
 * Starts a document's signing run (`bond-doc-<documentId>`), which sends the envelope, or tells
 * it the provider's word: signal-with-start, so it is safe to repeat.
 */
export async function tellDocumentSigning(
  client: Client,
  doc: { orgId: string; documentId: string; clientId: string },
  signal: DocumentSignal,
  o: StartOptions = {},
): Promise<void> {
  const options = {
    workflowId: documentSigningWorkflowId(doc.documentId),
    taskQueue: taskQueue('bail', o.prefix),
    args: [{ orgId: doc.orgId, documentId: doc.documentId }] as Parameters<typeof documentSigning>,
    typedSearchAttributes: [
      { key: OrgId, value: doc.orgId },
      { key: CustomerId, value: doc.clientId },
      { key: Domain, value: 'bail' },
    ],
  };
  await withDeadline(client, o, () =>
    signal.type === 'envelope'
      ? client.workflow
          .signalWithStart('documentSigning', {
            ...options,
            signal: envelopeStatusSignal,
            signalArgs: [{ status: signal.status }],
          })
          .then(() => undefined)
      : client.workflow
          .start('documentSigning', { ...options, workflowIdConflictPolicy: 'USE_EXISTING' })
          .then(() => undefined),
  );
}
