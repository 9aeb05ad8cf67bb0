import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { customerContact } from '../../workflows/notify/customer-contact.js';
import type { deliverNotification } from '../../workflows/notify/deliver-notification.js';
import type { redeliverNotification } from '../../workflows/notify/redeliver-notification.js';
import type { SendChannel } from '../../workflows/notify/channels.js';
import { contactWorkflowId, deliverWorkflowId, redeliverWorkflowId } from '../../workflows/notify/ids.js';
import { taskPriority } from '../../workflows/priority.js';
import { CustomerId, Domain, OrgId } from '../../workflows/search-attributes.js';
import {
  customerReplySignal,
  providerStatusSignal,
  type CustomerReply,
  type ProviderStatusReport,
} from '../../workflows/notify/messages.js';
import { taskQueue } from '../task-queues.js';
import { withDeadline, type StartOptions } from './deadline.js';

/** Starts a run once per id: a run that exists or existed under the id is left alone. */
async function startOnce(client: Client, type: string, options: WorkflowStartOptions, o: StartOptions) {
  try {
    await withDeadline(client, o, () => client.workflow.start(type, options));
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/**
 * Starts `deliver-<notificationId>`: one delivery run per notification, ever. Starting again (a
 * retry, the sweeper) finds the first and sends nothing twice. Critical notifications go first.
 */
export function startDelivery(
  client: Client,
  n: { orgId: string; notificationId: string; customerId: string; critical?: boolean },
  o: StartOptions = {},
): Promise<void> {
  return startOnce(
    client,
    'deliverNotification',
    {
      workflowId: deliverWorkflowId(n.notificationId),
      taskQueue: taskQueue('notify', o.prefix),
      args: [{ orgId: n.orgId, notificationId: n.notificationId }] satisfies Parameters<
        typeof deliverNotification
      >,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      priority: taskPriority(n.critical ? 'urgent' : 'normal', n.orgId),
      typedSearchAttributes: [
        { key: OrgId, value: n.orgId },
        { key: CustomerId, value: n.customerId },
        { key: Domain, value: 'notify' },
      ],
    },
    o,
  );
}

/** Starts `redeliver-<deliveryId>-<n>`: the `n`th time an operator sends a failed delivery again. */
export function startRedelivery(
  client: Client,
  r: { orgId: string; deliveryId: string; customerId: string; channel: SendChannel; n: number },
  o: StartOptions = {},
): Promise<void> {
  return startOnce(
    client,
    'redeliverNotification',
    {
      workflowId: redeliverWorkflowId(r.deliveryId, r.n),
      taskQueue: taskQueue('notify', o.prefix),
      args: [
        { orgId: r.orgId, deliveryId: r.deliveryId, channel: r.channel, round: r.n },
      ] satisfies Parameters<typeof redeliverNotification>,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      priority: taskPriority('normal', r.orgId),
      typedSearchAttributes: [
        { key: OrgId, value: r.orgId },
        { key: CustomerId, value: r.customerId },
        { key: Domain, value: 'notify' },
      ],
    },
    o,
  );
}

/** Starts `contact-<contactId>` (asking a customer, maybe waiting for the answer); once per contact. */
export function startContact(
  client: Client,
  c: { orgId: string; contactId: string; customerId: string },
  o: StartOptions = {},
): Promise<void> {
  return startOnce(
    client,
    'customerContact',
    {
      workflowId: contactWorkflowId(c.contactId),
      taskQueue: taskQueue('notify', o.prefix),
      args: [{ orgId: c.orgId, contactId: c.contactId }] satisfies Parameters<typeof customerContact>,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      priority: taskPriority('high', c.orgId),
      typedSearchAttributes: [
        { key: OrgId, value: c.orgId },
        { key: CustomerId, value: c.customerId },
        { key: Domain, value: 'notify' },
      ],
    },
    o,
  );
}

/** Gives a waiting contact the customer's answer. False when the contact is over (the answer came too late). */
export async function sendCustomerReply(
  client: Client,
  contactId: string,
  reply: CustomerReply,
  o: { deadlineMs?: number } = {},
): Promise<boolean> {
  try {
    await withDeadline(client, o, () =>
      client.workflow.getHandle(contactWorkflowId(contactId)).signal(customerReplySignal, reply),
    );
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Gives a running delivery its provider's report. False when the delivery is over (the caller applies it). */
export async function sendProviderStatus(
  client: Client,
  notificationId: string,
  status: ProviderStatusReport,
  o: { deadlineMs?: number } = {},
): Promise<boolean> {
  try {
    await withDeadline(client, o, () =>
      client.workflow.getHandle(deliverWorkflowId(notificationId)).signal(providerStatusSignal, status),
    );
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
