import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { deliverNotification } from '../workflows/notify/deliver-notification.js';
import { CustomerId, Domain, OrgId } from './search-attributes.js';
import { startWorkflow } from './start.js';
import { taskQueue } from './task-queues.js';

export const deliverWorkflowId = (notificationId: string) => `deliver-${notificationId}`;

/**
 * Starts `deliver-<notificationId>` for each notification. One delivery run per notification,
 * ever: starting again (a retry, a sweep) finds the first and sends nothing twice.
 */
export async function startDeliveries(
  client: Client,
  notifications: readonly { id: string; org_id: string; customer_id: string }[],
  prefix = '',
): Promise<void> {
  for (const n of notifications) {
    try {
      await startWorkflow<typeof deliverNotification>(client, 'deliverNotification', {
        workflowId: deliverWorkflowId(n.id),
        taskQueue: taskQueue('notify', prefix),
        args: [{ orgId: n.org_id, notificationId: n.id }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: OrgId, value: n.org_id },
          { key: CustomerId, value: n.customer_id },
          { key: Domain, value: 'notify' },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}
