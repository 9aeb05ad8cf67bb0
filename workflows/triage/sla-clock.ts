import { condition, upsertSearchAttributes } from '@temporalio/workflow';
import { Priority as PriorityKey } from '../search-attributes.js';
import { acts } from './activity-options.js';
import type { TriageProgress } from './messages.js';
import { escalate, SLA_MS } from './sla.js';

/**
 * The SLA clock: each time it runs out with the alert unresolved, the priority goes up a step
 * and the clock restarts at the new priority's SLA. Critical and breached again: escalated once
 * more as a record, then no further timers. Returns when the alert is resolved.
 */
export async function runSlaClock(o: {
  orgId: string;
  alertId: string;
  caseId: string;
  progress: TriageProgress;
  resolved: () => boolean;
}): Promise<void> {
  const { progress } = o;
  for (let step = 1; !o.resolved(); step++) {
    const due = Date.parse(progress.slaDueAt!) - Date.now();
    if (await condition(o.resolved, Math.max(due, 1))) break;
    const from = progress.priority;
    const to = escalate(from);
    const slaDueAt = new Date(Date.now() + SLA_MS[to]).toISOString();
    await acts.escalateAlert({
      orgId: o.orgId,
      alertId: o.alertId,
      caseId: o.caseId,
      from,
      to,
      slaDueAt,
      step,
    });
    progress.priority = to;
    progress.slaDueAt = slaDueAt;
    upsertSearchAttributes([{ key: PriorityKey, value: to }]);
    if (from === 'critical') await condition(o.resolved);
  }
}
