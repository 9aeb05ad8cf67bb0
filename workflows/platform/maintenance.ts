import { proxyActivities } from '@temporalio/workflow';
import type { createPlatformActivities } from '../../activities/platform/index.js';

const { ensureTransactionPartitions } = proxyActivities<ReturnType<typeof createPlatformActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

/** Keeps monthly transaction partitions three months ahead; run daily by the `maintain-partitions` schedule. */
export async function maintainPartitions(): Promise<{ created: number }> {
  return { created: await ensureTransactionPartitions({ monthsAhead: 3 }) };
}
