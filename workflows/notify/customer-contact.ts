import { condition, ParentClosePolicy, proxyActivities, setHandler, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createContactActivities } from '../../activities/notify/contact.js';
import { deliverNotification } from './deliver-notification.js';
import { deliverWorkflowId } from './ids.js';
import { customerReplySignal, type CustomerReply } from './messages.js';

const acts = proxyActivities<ReturnType<typeof createContactActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export type CustomerContactInput = { orgId: string; contactId: string };
export type CustomerContactResult = {
  outcome: 'yes' | 'no' | 'sent' | 'no_reply' | 'callback_requested';
  channel: string | null;
};

/**
 * Reaches a customer (`contact-<contactId>`): sends on the first channel and, when an answer is
 * expected, waits for it (an SMS YES/NO or a signed link) until the timeout, then tries the next
 * channel. Phone means a callback task for an agent.
 */
export async function customerContact(input: CustomerContactInput): Promise<CustomerContactResult> {
  let reply: CustomerReply | null = null;
  setHandler(customerReplySignal, (r) => {
    reply ??= r;
  });
  const contact = await acts.loadContact(input);
  for (const channel of contact.channels) {
    if (channel === 'phone') {
      await acts.finishContact({ ...input, status: 'callback_requested' });
      return { outcome: 'callback_requested', channel };
    }
    const { notificationId } = await acts.startContactMessage({
      ...input,
      channel: channel as 'email' | 'sms',
    });
    try {
      await startChild(deliverNotification, {
        workflowId: deliverWorkflowId(notificationId),
        args: [{ orgId: input.orgId, notificationId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    if (!contact.expectReply) return { outcome: 'sent', channel };
    if (await condition(() => reply !== null, contact.replyTimeoutMs)) {
      const answer: CustomerReply = reply!;
      await acts.recordReply({ ...input, answer: answer.answer, via: answer.via });
      return { outcome: answer.answer, channel };
    }
  }
  await acts.finishContact({ ...input, status: 'no_reply' });
  return { outcome: 'no_reply', channel: null };
}
