import { patched, proxyActivities } from '@temporalio/workflow';
import type { createPlatformActivities } from '../../activities/platform/index.js';

const {
  ensureTransactionPartitions,
  ensureInteractionPartitions,
  enforceAuditRetention,
  startPendingWorkflows: startPendingWorkflows_,
} = proxyActivities<ReturnType<typeof createPlatformActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

/**
 * Keeps monthly transaction and interaction partitions three months ahead; run daily by the
 * `maintain-partitions` schedule.
 */
export async function maintainPartitions(): Promise<{ created: number }> {
  let created = await ensureTransactionPartitions({ monthsAhead: 3 });
  if (patched('interaction-partitions')) created += await ensureInteractionPartitions({ monthsAhead: 3 });
  return { created };
}

/** Deletes audit events past their retention period; run daily by the `audit-retention` schedule. */
export async function auditRetention(): Promise<{ deleted: number }> {
  return { deleted: await enforceAuditRetention() };
}

/**
 * Starts the workflows committed rows are still owed a minute on (a high alert's triage, a
 * notification's delivery, a contact): the start after their commit failed or never ran. Run
 * every minute by the `start-pending` schedule; the same workflow ids, so nothing starts twice.
 */
export async function startPendingWorkflows(
  input: { olderThanSeconds?: number } = {},
): Promise<{ started: number; failed: number; pruned: number }> {
  return startPendingWorkflows_({ olderThanSeconds: input.olderThanSeconds ?? 60 });
}
