import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  installmentChargeAt,
  nextChargeAt,
  splitInstallments,
} from '../../../workflows/bail/plan-schedule.js';

describe('payment plan schedule', () => {
  it('charges at 10:00 on the due date in the client’s zone, across a DST change', () => {
    // New York leaves daylight time on 2026-11-01: 10:00 is 14:00Z before, 15:00Z after.
    expect(new Date(installmentChargeAt('2026-10-31', 'America/New_York')).toISOString()).toBe(
      '2026-10-31T14:00:00.000Z',
    );
    expect(new Date(installmentChargeAt('2026-11-01', 'America/New_York')).toISOString()).toBe(
      '2026-11-01T15:00:00.000Z',
    );
  });

  it('retries 1, 3 and 7 days after the due date, then gives up', () => {
    const at = (n: number) => {
      const t = nextChargeAt('2026-10-30', 'America/New_York', n);
      return t === null ? null : new Date(t).toISOString();
    };
    expect([0, 1, 2, 3, 4].map(at)).toEqual([
      '2026-10-30T14:00:00.000Z',
      '2026-10-31T14:00:00.000Z',
      '2026-11-02T15:00:00.000Z',
      '2026-11-06T15:00:00.000Z',
      null,
    ]);
  });

  it('splits a total to the cent, the remainder on the first, months clamped to their end', () => {
    expect(
      splitInstallments({ total: '100.00', count: 3, firstDueDate: '2027-01-31', interval: 'month' }),
    ).toEqual([
      { seq: 1, dueDate: '2027-01-31', amount: '33.34' },
      { seq: 2, dueDate: '2027-02-28', amount: '33.33' },
      { seq: 3, dueDate: '2027-03-31', amount: '33.33' },
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 60 }),
        (cents, count) => {
          fc.pre(cents >= count);
          const parts = splitInstallments({
            total: (cents / 100).toFixed(2),
            count,
            firstDueDate: '2027-01-01',
            interval: 'two_weeks',
          });
          const sum = parts.reduce((s, p) => s + Math.round(Number(p.amount) * 100), 0);
          return parts.length === count && sum === cents && parts.every((p) => Number(p.amount) > 0);
        },
      ),
    );
  });
});
