import { patched, proxyActivities } from '@temporalio/workflow';
import type { createPlatformActivities } from '../../activities/platform/index.js';

const {
  ensureTransactionPartitions,
  ensureInteractionPartitions,
  enforceAuditRetention,
  enforceEventRetention,
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

/**
 * Deletes the stream's events older than a week, in batches (at most 100 a run; a backlog goes
 * over the following days); run daily by the `events-retention` schedule.
 */
export async function eventsRetention(): Promise<{ deleted: number }> {
  let deleted = 0;
  for (let i = 0; i < 100; i++) {
    const r = await enforceEventRetention();
    deleted += r.deleted;
    if (!r.more) break;
  }
  return { deleted };
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
