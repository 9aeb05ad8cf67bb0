import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { BOND_STATUSES, canTransition } from '../../../workflows/bail/bond-status.js';
import {
  courtDateText,
  courtReminderTimes,
  forfeitureReminderTimes,
  remindersOwed,
} from '../../../workflows/bail/court-schedule.js';

const ZONE = 'America/New_York';
const local = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mmZZ");

describe('bond status', () => {
  it('moves only forward, and never out of an end state', () => {
    expect(canTransition('pending', 'active')).toBe(true);
    expect(canTransition('active', 'forfeited')).toBe(true);
    expect(canTransition('pending', 'forfeited')).toBe(false);
    expect(canTransition('active', 'pending')).toBe(false);
    for (const end of ['completed', 'forfeited', 'cancelled'] as const)
      for (const to of BOND_STATUSES) expect(canTransition(end, to)).toBe(false);
  });
});

describe('court reminders', () => {
  it("keep the court's wall clock across the DST change (US DST starts 14 March 2027)", () => {
    const times = courtReminderTimes('2027-03-16T09:30:00-04:00', ZONE);
    expect(times.map((t) => [t.key, local(t.at)])).toEqual([
      ['7d', '2027-03-09T09:00-05:00'],
      ['3d', '2027-03-13T09:00-05:00'],
      ['1d', '2027-03-15T09:00-04:00'],
      ['day_of', '2027-03-16T07:00-04:00'],
    ]);
  });

  it('go the morning of an early hearing an hour before it', () => {
    const [, , , dayOf] = courtReminderTimes('2027-05-04T07:30:00-04:00', ZONE);
    expect(local(dayOf!.at)).toBe('2027-05-04T06:30-04:00');
  });

  it('are not owed once sent or past: a bond written two days out gets the last two', () => {
    const hearing = '2027-05-10T10:00:00-04:00';
    const now = DateTime.fromISO('2027-05-08T12:00:00-04:00').toMillis();
    expect(remindersOwed(hearing, ZONE, [], now).map((r) => r.key)).toEqual(['1d', 'day_of']);
    expect(remindersOwed(hearing, ZONE, ['1d'], now).map((r) => r.key)).toEqual(['day_of']);
  });

  it('read as the client reads a date', () => {
    expect(courtDateText('2027-03-16T13:30:00Z', ZONE)).toEqual({
      date: 'Tuesday, March 16, 2027',
      time: '9:30 AM EDT',
    });
  });
});

describe('forfeiture reminders', () => {
  it('fall at the middle, a week and a day before the end of the grace period', () => {
    const missed = Date.UTC(2027, 0, 1);
    const r = forfeitureReminderTimes(missed, 90);
    expect(r.map((x) => x.daysLeft)).toEqual([45, 7, 1]);
    expect(r.at(-1)!.at).toBe(missed + 89 * 86_400_000);
    expect(forfeitureReminderTimes(missed, 2).map((x) => x.daysLeft)).toEqual([1]);
  });
});
