import { describe, expect, it } from 'vitest';
import { assessFraud } from '../../../workflows/triage/fraud-score.js';
import {
  joinAlert,
  MAX_ALERT_TRANSACTION_IDS,
  needsTriage,
  newAlertData,
  type ScreenedTransaction,
} from '../../../workflows/triage/alert-grouping.js';

const screened = (
  id: string,
  priority: 'low' | 'medium' | 'high' | 'critical',
  riskScore: number,
  rule: string,
  severity: 'low' | 'medium' | 'high',
): ScreenedTransaction => ({
  id,
  amount: '3.00',
  currency: 'GBP',
  transaction_date: `2026-12-01T10:00:${id.padStart(2, '0')}Z`,
  screening: {
    signals: [{ rule, severity, reason: `${rule} ${severity}` }],
    riskScore,
    riskLevel: riskScore >= 7 ? 'high' : riskScore >= 3 ? 'medium' : 'low',
    alert: { alertType: rule, priority, title: 't' },
  },
});

describe('one alert per burst', () => {
  it('counts the transactions, keeps each rule at its worst, and raises the priority', () => {
    const first = screened('1', 'medium', 2.5, 'risky_new_merchant', 'medium');
    const alert = {
      priority: 'medium' as const,
      data: newAlertData(first) as Record<string, unknown>,
      transaction_id: '1',
    };
    const a = joinAlert(alert, screened('2', 'medium', 5, 'velocity', 'medium'));
    const b = joinAlert({ ...alert, ...a }, screened('3', 'high', 6.5, 'velocity', 'high'));
    expect(b.priority).toBe('high');
    expect(b.data).toMatchObject({ transaction_count: 3, transaction_ids: ['1', '2', '3'], risk_score: 6.5 });
    expect(b.data.signals.map((s) => `${s.rule}:${s.severity}`)).toEqual([
      'risky_new_merchant:medium',
      'velocity:high',
    ]);
    // A weaker signal later never lowers it.
    const c = joinAlert({ ...alert, ...b }, screened('4', 'low', 1, 'card_not_present', 'low'));
    expect(c.priority).toBe('high');
    expect(c.data.risk_score).toBe(6.5);
    expect(needsTriage(c.priority)).toBe(true);
    expect(needsTriage('medium')).toBe(false);
  });

  it('keeps the newest ids only, and the count whole', () => {
    let alert = {
      priority: 'low' as const,
      data: newAlertData(screened('0', 'low', 1, 'x', 'low')) as Record<string, unknown>,
      transaction_id: '0',
    };
    for (let i = 1; i <= 150; i++) {
      const next = joinAlert(alert, screened(String(i), 'low', 1, 'x', 'low'));
      alert = { ...alert, priority: next.priority as 'low', data: next.data };
    }
    expect(alert.data.transaction_count).toBe(151);
    expect((alert.data.transaction_ids as string[]).length).toBe(MAX_ALERT_TRANSACTION_IDS);
    expect((alert.data.transaction_ids as string[]).at(-1)).toBe('150');
  });

  it('a burst of ten or more raises the fraud score past the freeze line', () => {
    const base = {
      screeningScore: 6.5,
      signals: [],
      riskProfile: 'medium' as const,
      priorConfirmedFraud: 0,
      alertsLast90Days: 1,
      kycStatus: 'verified',
    };
    expect(assessFraud(base).recommendation).toBe('contact_customer');
    expect(assessFraud({ ...base, burstTransactions: 10 })).toMatchObject({
      riskScore: 8.5,
      recommendation: 'freeze_card',
    });
  });
});
