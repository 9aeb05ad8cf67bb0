import { DateTime } from 'luxon';

export type QuietHours = { start: string; end: string; timezone: string };

const hm = (s: string) => {
  const [h = 0, m = 0] = s.split(':').map(Number);
  return { hour: h, minute: m };
};

/**
 * When a message sent at `nowMs` may go out: null if the customer's quiet hours are not on now,
 * else the instant they end. Wall-clock times in the customer's IANA zone, so the window follows
 * daylight-saving changes; a window may cross midnight (22:00–08:00). Pure (luxon over Intl), so
 * the workflow computes it deterministically from workflow time.
 */
export function quietHoursEnd(nowMs: number, q: QuietHours): number | null {
  const now = DateTime.fromMillis(nowMs, { zone: q.timezone });
  if (!now.isValid) return null;
  const start = hm(q.start);
  const end = hm(q.end);
  const minutes = now.hour * 60 + now.minute;
  const startMin = start.hour * 60 + start.minute;
  const endMin = end.hour * 60 + end.minute;
  if (startMin === endMin) return null;
  const crossesMidnight = startMin > endMin;
  const inside = crossesMidnight
    ? minutes >= startMin || minutes < endMin
    : minutes >= startMin && minutes < endMin;
  if (!inside) return null;
  // The window ends today at `end`, or tomorrow when it started yesterday evening... or today evening.
  let until = now.set({ hour: end.hour, minute: end.minute, second: 0, millisecond: 0 });
  if (until <= now) until = until.plus({ days: 1 }).set({ hour: end.hour, minute: end.minute });
  return until.toMillis();
}

/**
 * Kinds the system sends as critical (past quiet hours and rate limits). The kind alone never makes
 * a notification critical, its stored flag does; an API caller needs notifications:critical to send
 * one of these kinds at all, so no one can pass their message off as the system's.
 */
export const SYSTEM_KINDS = ['large_transaction', 'fraud_contact', 'fraud_alert'];

/** dedup_key prefixes the system's own notifications use (rules, contacts, bail): not for API callers. */
export const SYSTEM_DEDUP_PREFIXES = ['alert-rule:', 'contact:', 'bail:'];
