export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** How long an alert may stay unresolved at each priority before it escalates. */
export const SLA_MS: Record<Priority, number> = {
  critical: 1 * 3600_000,
  high: 4 * 3600_000,
  medium: 24 * 3600_000,
  low: 72 * 3600_000,
};

/** One step up; critical stays critical. */
export function escalate(p: Priority): Priority {
  return PRIORITIES[Math.min(PRIORITIES.indexOf(p) + 1, PRIORITIES.length - 1)]!;
}
