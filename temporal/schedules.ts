import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { Domain } from './search-attributes.js';
import { taskQueue } from './task-queues.js';

/**
 * Sentinel's schedules, created when a worker starts (creating one that exists is a no-op, so
 * every replica may try). Temporal runs them; nothing in the process keeps time.
 */
export async function ensureSchedules(client: Client, prefix = ''): Promise<string[]> {
  const schedules = [
    {
      scheduleId: `${prefix}maintain-partitions`,
      spec: { intervals: [{ every: '1 day' }] },
      action: {
        type: 'startWorkflow' as const,
        workflowType: 'maintainPartitions',
        workflowId: `${prefix}maintain-partitions`,
        taskQueue: taskQueue('platform', prefix),
        typedSearchAttributes: [{ key: Domain, value: 'platform' }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    },
    {
      scheduleId: `${prefix}audit-retention`,
      spec: { intervals: [{ every: '1 day' }] },
      action: {
        type: 'startWorkflow' as const,
        workflowType: 'auditRetention',
        workflowId: `${prefix}audit-retention`,
        taskQueue: taskQueue('platform', prefix),
        typedSearchAttributes: [{ key: Domain, value: 'platform' }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    },
    {
      // Re-seals fields still under a retired key; after a key change, the old key may go once it finds none.
      scheduleId: `${prefix}field-encryption`,
      spec: { intervals: [{ every: '1 day' }] },
      action: {
        type: 'startWorkflow' as const,
        workflowType: 'rotateFieldEncryption',
        workflowId: `${prefix}field-encryption`,
        taskQueue: taskQueue('platform', prefix),
        args: [{}],
        typedSearchAttributes: [{ key: Domain, value: 'platform' }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    },
    {
      // The seed's 5-minute pass; a pass still running when the next is due makes it skip.
      scheduleId: `${prefix}rules-periodic`,
      spec: { intervals: [{ every: '5 minutes' }] },
      action: {
        type: 'startWorkflow' as const,
        workflowType: 'evaluateAlertRules',
        workflowId: `${prefix}rules-periodic`,
        taskQueue: taskQueue('rules', prefix),
        args: [{}],
        typedSearchAttributes: [{ key: Domain, value: 'rules' }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    },
  ];
  for (const s of schedules) {
    try {
      await client.schedule.create(s);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  return schedules.map((s) => s.scheduleId);
}
