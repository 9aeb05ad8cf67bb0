import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDate, nextDueDate, reminderAt } from '../../../workflows/rules/bill-schedule.js';
import { lanes } from '../../../workflows/rules/lanes.js';

describe('bill schedule', () => {
  it('keeps the first due date’s day of month where the month has it', () => {
    const dates = ['2027-01-31'];
    for (let i = 0; i < 4; i++) dates.push(nextDueDate(dates.at(-1)!, 'monthly', '2027-01-31')!);
    expect(dates).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31']);
    expect(nextDueDate('2026-11-30', 'quarterly', '2026-11-30')).toBe('2027-02-28');
    expect(nextDueDate('2026-11-23', 'weekly', '2026-11-23')).toBe('2026-11-30');
    expect(nextDueDate('2026-11-23', 'once', '2026-11-23')).toBeNull();
  });

  it('reminds at 06:00 local on both sides of a DST change', () => {
    // New York leaves DST on 1 Nov 2026: 06:00 local is 10:00 UTC before, 11:00 UTC after.
    expect(new Date(reminderAt('2026-11-04', 3, 'America/New_York')).toISOString()).toBe(
      '2026-11-01T11:00:00.000Z',
    );
    expect(new Date(reminderAt('2026-11-03', 3, 'America/New_York')).toISOString()).toBe(
      '2026-10-31T10:00:00.000Z',
    );
    expect(localDate(Date.parse('2026-11-01T03:30:00Z'), 'America/New_York')).toBe('2026-10-31');
  });

  it('splits the uuid space into contiguous lanes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), (n) => {
        const ls = lanes(n);
        return (
          ls.length === n &&
          ls[0]!.afterId === null &&
          ls.at(-1)!.before === null &&
          ls.every((l, i) => i === 0 || l.afterId === ls[i - 1]!.before)
        );
      }),
    );
  });
});
