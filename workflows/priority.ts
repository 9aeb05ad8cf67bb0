/**
 * Temporal task priority: when a task queue has a backlog, lower keys are dispatched first
 * (1 … 5, the server's default range; 3 when unset), and tasks of one fairness key (the
 * organisation) share the queue fairly with other keys, so one tenant's burst cannot starve
 * another's critical triage. Activities and children inherit the priority of their workflow.
 * Pure: starters, workflows and activities all use it.
 */
export const PRIORITY_KEY = {
  /** Critical triage, fraud contacts, critical notifications. */
  urgent: 1,
  high: 2,
  normal: 3,
  low: 4,
  /** Periodic passes, digests, maintenance. */
  background: 5,
} as const;
export type PriorityLevel = keyof typeof PRIORITY_KEY;

export function taskPriority(level: PriorityLevel, orgId?: string) {
  return { priorityKey: PRIORITY_KEY[level], ...(orgId && { fairnessKey: orgId }) };
}

/** A triage's task priority follows its alert's. */
export function triagePriorityLevel(alertPriority: string): PriorityLevel {
  return alertPriority === 'critical' ? 'urgent' : alertPriority === 'high' ? 'high' : 'normal';
}
