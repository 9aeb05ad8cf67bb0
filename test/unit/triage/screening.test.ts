import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessFraud } from '../../../workflows/triage/fraud-score.js';
import {
  haversineKm,
  screenTransaction,
  type ScreeningFeatures,
} from '../../../workflows/triage/screening.js';
import { escalate } from '../../../workflows/triage/sla.js';
import { submitByDeadline } from '../../../workflows/triage/dispute-rules.js';

const ordinary: ScreeningFeatures = {
  amount: 40,
  channel: 'card_present',
  merchantName: 'Corner Shop',
  merchantCategory: 'groceries',
  merchantSeenBefore: true,
  history: { count: 20, avgAmount: 35, stddevAmount: 10 },
  recentCount: 1,
  distanceKmFromLast: 2,
  hoursSinceLast: 20,
  distanceKmFromUsual: 3,
};

describe('screening', () => {
  it('raises nothing for a transaction like the customer’s others', () => {
    expect(screenTransaction(ordinary)).toMatchObject({ signals: [], riskScore: 0, alert: null });
  });

  it('flags an amount far above the customer’s own history, card not present, at a risky new merchant', () => {
    const r = screenTransaction({
      ...ordinary,
      amount: 4800,
      channel: 'card_not_present',
      merchantName: 'CoinFast',
      merchantCategory: 'crypto',
      merchantSeenBefore: false,
    });
    expect(r.signals.map((s) => s.rule).sort()).toEqual([
      'amount_anomaly',
      'card_not_present',
      'risky_new_merchant',
    ]);
    expect(r.riskScore).toBeGreaterThan(7);
    expect(r.alert).toMatchObject({
      alertType: 'amount_anomaly',
      priority: expect.stringMatching(/high|critical/),
    });
  });

  it('needs enough history before calling an amount anomalous', () => {
    const r = screenTransaction({
      ...ordinary,
      amount: 5000,
      history: { count: 2, avgAmount: 30, stddevAmount: 1 },
    });
    expect(r.signals.find((s) => s.rule === 'amount_anomaly')).toBeUndefined();
  });

  it('flags velocity and impossible travel', () => {
    expect(screenTransaction({ ...ordinary, recentCount: 6 }).signals[0]).toMatchObject({ rule: 'velocity' });
    const travel = screenTransaction({ ...ordinary, distanceKmFromLast: 5500, hoursSinceLast: 1 });
    expect(travel.signals[0]).toMatchObject({ rule: 'impossible_travel', severity: 'high' });
  });

  it('keeps the score within 0–10 and never lowers it when a signal is added', () => {
    const features = fc.record({
      amount: fc.double({ min: 1, max: 1e6, noNaN: true }),
      channel: fc.constantFrom('card_present', 'card_not_present', 'atm'),
      merchantName: fc.constant('m'),
      merchantCategory: fc.constantFrom('groceries', 'crypto', null),
      merchantSeenBefore: fc.boolean(),
      history: fc.record({
        count: fc.nat(50),
        avgAmount: fc.double({ min: 1, max: 1000, noNaN: true }),
        stddevAmount: fc.double({ min: 0, max: 500, noNaN: true }),
      }),
      recentCount: fc.integer({ min: 1, max: 20 }),
      distanceKmFromLast: fc.option(fc.double({ min: 0, max: 20000, noNaN: true })),
      hoursSinceLast: fc.option(fc.double({ min: 0, max: 1000, noNaN: true })),
      distanceKmFromUsual: fc.option(fc.double({ min: 0, max: 20000, noNaN: true })),
    });
    fc.assert(
      fc.property(features, (f) => {
        const r = screenTransaction(f);
        expect(r.riskScore).toBeGreaterThanOrEqual(0);
        expect(r.riskScore).toBeLessThanOrEqual(10);
        expect(r.alert === null).toBe(r.signals.length === 0);
        const more = screenTransaction({ ...f, recentCount: 100 });
        expect(more.riskScore).toBeGreaterThanOrEqual(r.riskScore);
      }),
    );
  });

  it('measures great-circle distance', () => {
    expect(Math.round(haversineKm({ lat: 51.5074, lon: -0.1278 }, { lat: 48.8566, lon: 2.3522 }))).toBe(344);
  });
});

describe('fraud assessment', () => {
  it('recommends a freeze above 7, contact above 4, monitoring otherwise', () => {
    const base = {
      signals: [],
      riskProfile: 'medium' as const,
      priorConfirmedFraud: 0,
      alertsLast90Days: 0,
      kycStatus: 'verified',
    };
    expect(assessFraud({ ...base, screeningScore: 8 }).recommendation).toBe('freeze_card');
    expect(assessFraud({ ...base, screeningScore: 5 }).recommendation).toBe('contact_customer');
    expect(assessFraud({ ...base, screeningScore: 1 }).recommendation).toBe('monitor');
    const risky = assessFraud({ ...base, screeningScore: 6, riskProfile: 'high', priorConfirmedFraud: 1 });
    expect(risky.riskScore).toBe(9);
    expect(risky.fraudProbability).toBeGreaterThan(0.9);
    expect(risky.reasons).toEqual(expect.arrayContaining(['customer risk profile is high']));
  });
});

describe('SLA and dispute rules', () => {
  it('escalates one step and stops at critical', () => {
    expect(escalate('low')).toBe('medium');
    expect(escalate('high')).toBe('critical');
    expect(escalate('critical')).toBe('critical');
  });

  it('gives 110 days to submit, 65 for no_authorization', () => {
    expect(submitByDeadline('2026-01-01T00:00:00.000Z', 'fraud')).toBe('2026-04-21T00:00:00.000Z');
    expect(submitByDeadline('2026-01-01T00:00:00.000Z', 'no_authorization')).toBe('2026-03-07T00:00:00.000Z');
  });
});
