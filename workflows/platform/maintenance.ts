import { proxyActivities } from '@temporalio/workflow';
import type { createPlatformActivities } from '../../activities/platform/index.js';

const { ensureTransactionPartitions, enforceAuditRetention } = proxyActivities<
  ReturnType<typeof createPlatformActivities>
>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

/** Keeps monthly transaction partitions three months ahead; run daily by the `maintain-partitions` schedule. */
export async function maintainPartitions(): Promise<{ created: number }> {
  return { created: await ensureTransactionPartitions({ monthsAhead: 3 }) };
}

/** Deletes audit events past their retention period; run daily by the `audit-retention` schedule. */
export async function auditRetention(): Promise<{ deleted: number }> {
  return { deleted: await enforceAuditRetention() };
}
