import { DateTime } from 'luxon';

export const RECURRENCES = ['once', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type Recurrence = (typeof RECURRENCES)[number];

/** Bill reminders go out at this local hour on the reminder day (the seed's 06:00). */
export const REMINDER_HOUR = 6;

/**
 * The due date after `due` for a recurring bill, or null for a one-off. Months keep the first due
 * date's day where the month has it (31 Jan → 28 Feb → 31 Mar). Dates are "YYYY-MM-DD". Pure (luxon).
 */
export function nextDueDate(due: string, recurrence: Recurrence, firstDue: string): string | null {
  const d = DateTime.fromISO(due, { zone: 'UTC' });
  const anchorDay = DateTime.fromISO(firstDue, { zone: 'UTC' }).day;
  const months = { monthly: 1, quarterly: 3, yearly: 12 } as Record<string, number>;
  if (recurrence === 'once') return null;
  if (recurrence === 'weekly') return d.plus({ weeks: 1 }).toISODate();
  const next = d.plus({ months: months[recurrence]! });
  return next.set({ day: Math.min(anchorDay, next.daysInMonth!) }).toISODate();
}

/** 06:00 in the customer's zone, `daysBefore` days before `due`: DST-correct wall-clock time. */
export function reminderAt(due: string, daysBefore: number, timezone: string): number {
  return DateTime.fromISO(due, { zone: timezone })
    .minus({ days: daysBefore })
    .set({ hour: REMINDER_HOUR, minute: 0, second: 0, millisecond: 0 })
    .toMillis();
}

/** The first moment of the day after `due` in the customer's zone: the occurrence is over. */
export function dueDayOver(due: string, timezone: string): number {
  return DateTime.fromISO(due, { zone: timezone }).plus({ days: 1 }).startOf('day').toMillis();
}

/** The calendar date ("YYYY-MM-DD") at `ms` in `timezone`. */
export function localDate(ms: number, timezone: string): string {
  return DateTime.fromMillis(ms, { zone: timezone }).toISODate()!;
}
