import { proxyActivities } from '@temporalio/workflow';
import type { createNotifyActivities } from '../../activities/notify/index.js';

const { enforceNotificationRetention } = proxyActivities<ReturnType<typeof createNotifyActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

/** Batches per run: a backlog (the first run on old data) finishes over the following days. */
const MAX_BATCHES = 200;

/**
 * The daily `notification-retention` schedule: notifications leave the inbox after
 * NOTIFICATION_RETENTION_DAYS (90), delivery records go after DELIVERY_RETENTION_DAYS (180).
 */
export async function notificationRetention(): Promise<{
  archived: number;
  deliveries: number;
  deleted: number;
}> {
  const totals = { archived: 0, deliveries: 0, deleted: 0 };
  for (let i = 0; i < MAX_BATCHES; i++) {
    const r = await enforceNotificationRetention();
    totals.archived += r.archived;
    totals.deliveries += r.deliveries;
    totals.deleted += r.deleted;
    if (!r.more) break;
  }
  return totals;
}
