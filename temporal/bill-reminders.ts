import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { billReminder } from '../workflows/rules/bill-reminder.js';
import { billUpdatedSignal, cancelBillSignal, billPaidSignal } from '../workflows/rules/messages.js';
import { CustomerId, Domain, OrgId } from './search-attributes.js';
import { API_RPC_DEADLINE_MS } from './start.js';
import { taskQueue } from './task-queues.js';

export const billReminderId = (billId: string) => `bill-${billId}`;

type Bill = { id: string; org_id: string; customer_id: string };

/**
 * Tells a bill's reminder that something changed, starting it when it is not running (a new
 * bill, or a finished one given a new due date): one reminder run per bill at a time.
 */
export function notifyBillReminder(
  client: Client,
  bill: Bill,
  prefix: string,
  change: 'created' | 'updated' | 'paid' = 'updated',
): Promise<unknown> {
  return client.connection.withDeadline(Date.now() + API_RPC_DEADLINE_MS, () =>
    client.workflow.signalWithStart<typeof billReminder, []>('billReminder', {
      workflowId: billReminderId(bill.id),
      taskQueue: taskQueue('rules', prefix),
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
export async function cancelBillReminder(client: Client, billId: string): Promise<void> {
  try {
    await client.connection.withDeadline(Date.now() + API_RPC_DEADLINE_MS, () =>
      client.workflow.getHandle(billReminderId(billId)).signal(cancelBillSignal),
    );
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
