import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { CustomerId, Domain, OrgId } from '../../workflows/search-attributes.js';
import type { billReminder } from '../../workflows/rules/bill-reminder.js';
import type { evaluateCustomerRules } from '../../workflows/rules/evaluate-customer-rules.js';
import { billReminderWorkflowId, customerRulesWorkflowId } from '../../workflows/rules/ids.js';
import { billPaidSignal, billUpdatedSignal, cancelBillSignal } from '../../workflows/rules/messages.js';
import { taskQueue } from '../task-queues.js';
import { withDeadline, type StartOptions } from './deadline.js';

type Bill = { id: string; org_id: string; customer_id: string };

/**
 * Tells a bill's reminder that something changed, starting it when it is not running (a new
 * bill, or a finished one given a new due date): one reminder run per bill at a time.
 */
export function notifyBillReminder(
  client: Client,
  bill: Bill,
  change: 'created' | 'updated' | 'paid' = 'updated',
  o: StartOptions = {},
): Promise<unknown> {
  return withDeadline(client, o, () =>
    client.workflow.signalWithStart<typeof billReminder, []>('billReminder', {
      workflowId: billReminderWorkflowId(bill.id),
      taskQueue: taskQueue('rules', o.prefix),
      args: [{ orgId: bill.org_id, billId: bill.id }],
      signal: change === 'paid' ? billPaidSignal : billUpdatedSignal,
      signalArgs: [],
      typedSearchAttributes: [
        { key: OrgId, value: bill.org_id },
        { key: CustomerId, value: bill.customer_id },
        { key: Domain, value: 'rules' },
      ],
    }),
  );
}

/** Ends a bill's reminder; nothing to do when none runs. */
export async function cancelBillReminder(
  client: Client,
  billId: string,
  o: { deadlineMs?: number } = {},
): Promise<void> {
  try {
    await withDeadline(client, o, () =>
      client.workflow.getHandle(billReminderWorkflowId(billId)).signal(cancelBillSignal),
    );
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/** How long "evaluate now" waits for its workflow before answering 503. */
const EVALUATE_DEADLINE_MS = 30_000;

/** Evaluates every rule of one customer now and waits for the result; concurrent requests share a run. */
export function evaluateCustomerRulesNow(
  client: Client,
  c: { orgId: string; customerId: string },
  o: StartOptions = {},
): Promise<{ evaluated: number; fired: number }> {
  return withDeadline(client, { deadlineMs: o.deadlineMs ?? EVALUATE_DEADLINE_MS }, async () => {
    const handle = await client.workflow.start<typeof evaluateCustomerRules>('evaluateCustomerRules', {
      workflowId: customerRulesWorkflowId(c.customerId),
      taskQueue: taskQueue('rules', o.prefix),
      args: [{ orgId: c.orgId, customerId: c.customerId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowExecutionTimeout: '1 minute',
      typedSearchAttributes: [
        { key: OrgId, value: c.orgId },
        { key: CustomerId, value: c.customerId },
        { key: Domain, value: 'rules' },
      ],
    });
    return handle.result();
  });
}
