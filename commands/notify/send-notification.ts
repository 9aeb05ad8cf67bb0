import type { Db } from '../../db/pool.js';
import * as notifications from '../../db/notify/notifications.js';
import { queueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { deliverWorkflowId } from '../../workflows/notify/ids.js';

/**
 * Stores a notification once per dedup key, and its delivery as owed in the same transaction:
 * once this returns the notification will be delivered, whether the start after the commit
 * succeeds or the sweeper makes it. A repeat returns the first notification and owes nothing new.
 */
export async function sendNotification(
  db: Db,
  orgId: string,
  n: notifications.NotificationInput,
): Promise<{ row: notifications.NotificationRow; created: boolean; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    const { row, created } = await notifications.createNotification(t, orgId, n);
    const starts: PendingStart[] = created
      ? [
          {
            workflow_id: deliverWorkflowId(row.id),
            org_id: orgId,
            kind: 'delivery',
            subject_id: row.id,
            customer_id: row.customer_id,
            priority: row.critical ? 'critical' : null,
          },
        ]
      : [];
    await queueStarts(t, starts);
    return { row, created, starts };
  });
}
