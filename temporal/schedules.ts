import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { PATTERN_PASS_ID } from '../workflows/insights/ids.js';
import { Domain } from './search-attributes.js';
import { taskQueue, type Context } from './task-queues.js';

/**
 * Sentinel's schedules, created when a worker starts (creating one that exists is a no-op, so
 * every replica may try). Temporal runs them; nothing in the process keeps time.
 */
export async function ensureSchedules(client: Client, prefix = ''): Promise<string[]> {
  // Each starts a workflow of the same id as the schedule; a run still going when the next is due makes it skip.
  const schedule = (id: string, every: string, workflowType: string, context: Context, args?: unknown[]) => ({
    scheduleId: `${prefix}${id}`,
    spec: { intervals: [{ every }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType,
      workflowId: `${prefix}${id}`,
      taskQueue: taskQueue(context, prefix),
      ...(args && { args }),
      typedSearchAttributes: [{ key: Domain, value: context }],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
  });
  const schedules = [
    schedule('maintain-partitions', '1 day', 'maintainPartitions', 'platform'),
    schedule('audit-retention', '1 day', 'auditRetention', 'platform'),
    // The event stream's table: replay reaches a day back, rows go after a week.
    schedule('events-retention', '1 day', 'eventsRetention', 'platform'),
    schedule('notification-retention', '1 day', 'notificationRetention', 'notify'),
    // Re-seals fields still under a retired key; after a key change, the old key may go once it finds none.
    schedule('field-encryption', '1 day', 'rotateFieldEncryption', 'platform', [{}]),
    // Nothing stored is forgotten: workflows a committed row is still owed after a minute.
    schedule('start-pending', '1 minute', 'startPendingWorkflows', 'platform', [{ olderThanSeconds: 60 }]),
    // The seed's 5-minute pass.
    schedule('rules-periodic', '5 minutes', 'evaluateAlertRules', 'rules', [{}]),
    // Card charges whose provider answer was lost and that no retry took up.
    schedule('bail-charges', '5 minutes', 'settleUnansweredCharges', 'bail', [{}]),
    // Behaviour patterns of the customers with new interactions.
    schedule(PATTERN_PASS_ID, '1 hour', 'detectBehaviorPatterns', 'insights', [{}]),
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
