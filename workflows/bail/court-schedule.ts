import { DateTime } from 'luxon';

/**
 * When a defendant is reminded of a court date, in the court's wall-clock time: a week, three
 * days and the day before at 09:00, and 07:00 the morning of the date (an hour before, for a
 * hearing at 08:00 or earlier). The keys are stored with the appearance so none is sent twice.
 */
export const COURT_REMINDERS = [
  { key: '7d', daysBefore: 7, hour: 9 },
  { key: '3d', daysBefore: 3, hour: 9 },
  { key: '1d', daysBefore: 1, hour: 9 },
  { key: 'day_of', daysBefore: 0, hour: 7 },
] as const;
export type CourtReminderKey = (typeof COURT_REMINDERS)[number]['key'];

export type PlannedReminder = { key: CourtReminderKey; at: number };

/** Every reminder of a court date at `scheduledAt` (ISO) in `timeZone`, DST-correct. Pure (luxon). */
export function courtReminderTimes(scheduledAt: string, timeZone: string): PlannedReminder[] {
  const hearing = DateTime.fromISO(scheduledAt, { zone: timeZone });
  return COURT_REMINDERS.map((r) => {
    const at = hearing
      .minus({ days: r.daysBefore })
      .set({ hour: r.hour, minute: 0, second: 0, millisecond: 0 });
    const ms =
      r.daysBefore === 0 ? Math.min(at.toMillis(), hearing.minus({ hours: 1 }).toMillis()) : at.toMillis();
    return { key: r.key, at: ms };
  });
}

/**
 * The reminders still owed at `now`: not sent yet, and not past (a bond written two days before
 * court gets the day-before and morning reminders, not a late "in a week"). A reminder due in the
 * last hour still goes (a worker restart must not lose it).
 */
export function remindersOwed(
  scheduledAt: string,
  timeZone: string,
  sent: readonly string[],
  now: number,
): PlannedReminder[] {
  const hearing = Date.parse(scheduledAt);
  return courtReminderTimes(scheduledAt, timeZone).filter(
    (r) => !sent.includes(r.key) && r.at >= now - 3_600_000 && r.at < hearing,
  );
}

/** The court's date and time as the client reads it: "Tuesday, March 10, 2026 at 9:30 AM EDT". */
export function courtDateText(scheduledAt: string, timeZone: string): { date: string; time: string } {
  const d = DateTime.fromISO(scheduledAt, { zone: timeZone }).setLocale('en-US');
  return { date: d.toFormat('cccc, LLLL d, yyyy'), time: d.toFormat('h:mm a ZZZZ') };
}

const DAY = 86_400_000;

/**
 * After a failure to appear, the agent is reminded while the grace period runs: at its middle,
 * a week before and a day before it ends (those after `missedAt`, distinct, in order).
 */
export function forfeitureReminderTimes(
  missedAt: number,
  graceDays: number,
): { daysLeft: number; at: number }[] {
  const end = missedAt + graceDays * DAY;
  const left = [...new Set([Math.floor(graceDays / 2), 7, 1])].filter((d) => d > 0 && d < graceDays);
  return left.sort((a, b) => b - a).map((daysLeft) => ({ daysLeft, at: end - daysLeft * DAY }));
}

/** When the agent is asked to record an outcome nobody recorded: the day after the hearing. */
export const outcomeOverdueAt = (scheduledAt: string): number => Date.parse(scheduledAt) + DAY;
