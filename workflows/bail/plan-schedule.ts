import { DateTime } from 'luxon';

/** Installments are charged at 10:00 on their due date, in the client's time zone. */
export const CHARGE_HOUR = 10;
/** A failed charge is tried again 1, 3 and 7 days after the due date; then the plan is delinquent. */
export const DUNNING_DAYS = [1, 3, 7] as const;

/** When an installment due on `dueDate` (yyyy-mm-dd) is first charged (ms), DST-correct. Pure (luxon). */
export function installmentChargeAt(dueDate: string, timeZone: string): number {
  return DateTime.fromISO(dueDate, { zone: timeZone }).set({ hour: CHARGE_HOUR }).toMillis();
}

/**
 * When attempt `attemptsMade + 1` of an installment is due (ms): the due date's charge time, then
 * the dunning days after it on the client's calendar; null once every attempt has failed.
 */
export function nextChargeAt(dueDate: string, timeZone: string, attemptsMade: number): number | null {
  if (attemptsMade === 0) return installmentChargeAt(dueDate, timeZone);
  const days = DUNNING_DAYS[attemptsMade - 1];
  if (days === undefined) return null;
  return DateTime.fromISO(dueDate, { zone: timeZone }).plus({ days }).set({ hour: CHARGE_HOUR }).toMillis();
}

/**
 * The installments of a plan: `count` payments of the total split to the cent (the remainder on
 * the first), every `interval` from `firstDueDate`. Month steps keep the day, clamped to short
 * months (31 Jan → 28 Feb → 31 Mar).
 */
export function splitInstallments(p: {
  total: string;
  count: number;
  firstDueDate: string;
  interval: 'week' | 'two_weeks' | 'month';
}): { seq: number; dueDate: string; amount: string }[] {
  const cents = Math.round(Number(p.total) * 100);
  const each = Math.floor(cents / p.count);
  const first = DateTime.fromISO(p.firstDueDate, { zone: 'UTC' });
  return Array.from({ length: p.count }, (_, i) => {
    const due =
      p.interval === 'month'
        ? first.plus({ months: i })
        : first.plus({ weeks: p.interval === 'week' ? i : 2 * i });
    const amount = i === 0 ? cents - each * (p.count - 1) : each;
    return { seq: i + 1, dueDate: due.toISODate()!, amount: (amount / 100).toFixed(2) };
  });
}

/** Money as the client reads it: "$1,250.00". */
export function moneyText(amount: string, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(Number(amount));
}
