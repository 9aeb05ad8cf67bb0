import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { CustomerId, Domain, OrgId } from '../workflows/search-attributes.js';
import { freezeUpdate, type CardFreezeState, type FreezeRequest } from '../workflows/triage/messages.js';
import type { cardFreeze } from '../workflows/triage/card-freeze.js';
import { taskQueue } from './task-queues.js';

export const cardFreezeWorkflowId = (cardId: string) => `card-freeze-${cardId}`;

/**
 * Freezes a card through its `card-freeze-<cardId>` workflow: starts it, or sends the request to
 * the running one (a second freeze updates the running freeze). Answers once the card is frozen
 * in Postgres. The request id is the update id, so a retried request freezes once.
 */
export function requestCardFreeze(
  client: Client,
  o: { orgId: string; cardId: string; customerId: string; taskQueuePrefix?: string; request: FreezeRequest },
): Promise<CardFreezeState> {
  const start = new WithStartWorkflowOperation<typeof cardFreeze>('cardFreeze', {
    workflowId: cardFreezeWorkflowId(o.cardId),
    taskQueue: taskQueue('triage', o.taskQueuePrefix),
    args: [{ orgId: o.orgId, cardId: o.cardId }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: OrgId, value: o.orgId },
      { key: CustomerId, value: o.customerId },
      { key: Domain, value: 'triage' },
    ],
  });
  return client.workflow.executeUpdateWithStart(freezeUpdate, {
    args: [o.request],
    updateId: o.request.requestId,
    startWorkflowOperation: start,
  });
}
