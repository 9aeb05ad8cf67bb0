import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, patched, proxyActivities, startChild } from '@temporalio/workflow';
import type { createRulesActivities } from '../../activities/rules/index.js';
import { acts } from './activity-options.js';
import { AlertId, CustomerId, Domain, OrgId, Priority } from '../search-attributes.js';
import { siblingTaskQueue } from '../task-queue.js';
import { alertTriage } from './alert-triage.js';
import { triageWorkflowId } from './ids.js';

const { screenTransaction } = acts;

export type EvaluateTransactionInput = { orgId: string; transactionId: string };

/**
 * Deprecated: screening now runs in the `POST /transactions` database transaction
 * (commands/triage/ingest-transactions.ts) and nothing starts this workflow. It stays registered,
 * with its activities, so runs started before the change complete; remove it once
 * `WorkflowType = "evaluateTransaction" AND ExecutionStatus = "Running"` finds none.
 *
 * Real-time screening of one transaction (`tx-eval-<transactionId>`): scores it, raises an alert
 * when a rule fires, and starts triage for high and critical alerts (the triage outlives this run).
 */
export async function evaluateTransaction(input: EvaluateTransactionInput) {
  const screening = await screenTransaction(input);
  const alert = screening.alert;
  let triageStarted = false;
  if (alert && (alert.priority === 'high' || alert.priority === 'critical')) {
    try {
      await startChild(alertTriage, {
        workflowId: triageWorkflowId(alert.id),
        args: [{ orgId: input.orgId, alertId: alert.id }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: OrgId, value: input.orgId },
          { key: AlertId, value: alert.id },
          { key: CustomerId, value: alert.customerId },
          { key: Priority, value: alert.priority },
          { key: Domain, value: 'triage' },
        ],
      });
      triageStarted = true;
    } catch (err) {
      // An operator started it first: one triage per alert either way.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      triageStarted = true;
    }
  }
  // Since the rules context shipped: the customer's real-time alert rules (transaction_limit,
  // merchant_name, and the account_threshold / spending_target rules this transaction touches).
  let rulesFired: number | undefined;
  if (patched('rules-realtime')) {
    const rules = proxyActivities<ReturnType<typeof createRulesActivities>>({
      taskQueue: siblingTaskQueue('triage', 'rules'),
      startToCloseTimeout: '30 seconds',
      retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
    });
    rulesFired = await rules.evaluateTransactionRules(input);
  }
  return {
    ...(rulesFired !== undefined && { rulesFired }),
    riskScore: screening.riskScore,
    alertId: alert?.id ?? null,
    priority: alert?.priority ?? null,
    triageStarted,
  };
}
